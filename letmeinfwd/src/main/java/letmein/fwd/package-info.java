/**
 * letmeinfwd, the privileged half of letmein: the only letmein process with CAP_NET_ADMIN, it does exactly
 * two things for letmeind, open a configured resource for an address and close it again. This package
 * only starts and stops it: {@link letmein.fwd.Main} reads the command line, {@link letmein.fwd.FwdDaemon}
 * brings the pieces of the other packages up in order and takes them down through one close path. The
 * path of a request is in letmeinfwd/README.md, what letmeinfwd accepts and puts into nftables in
 * docs/PROTOCOL.md, where it sits in letmein in docs/ARCHITECTURE.md.
 */
package letmein.fwd;
