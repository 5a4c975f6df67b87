/**
 * What both daemons need around their own work, written once: the shared command line
 * ({@code DaemonCommandLine}, {@code ArgScanner}), the run-time paths and pid file, systemd socket
 * activation and readiness notification, the start-up error type, the log sink and the version (from
 * the pom). letmeind and letmeinfwd each add only what is theirs (Netty notification, the AF_UNIX
 * listener on stdin).
 */
package letmein.proto.daemon;
