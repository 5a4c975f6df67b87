/**
 * Whether a decoded request may touch the firewall at all, decided from the config alone before nft is
 * asked. Kept apart from the socket and the leases so that every reason a request is refused is in one
 * stateless class, tested without nft or a socket.
 */
package letmein.fwd.check;
