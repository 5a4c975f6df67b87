/**
 * Integration tests of letmeinfwd as it runs: bin/letmeinfwd as root against real nftables, each test
 * class in network namespaces of its own ({@code lmfwd-*}, always deleted again), driven through its
 * Unix socket the way letmeind drives it.
 */
package letmein.fwd.it;
