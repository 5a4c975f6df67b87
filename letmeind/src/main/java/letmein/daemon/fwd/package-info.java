/**
 * letmeind's side of the IPC with letmeinfwd: one Unix-socket connection per request, blocking I/O off
 * the event loop, every failure turned into a {@code FwdResult.Failed} the session can log.
 */
package letmein.daemon.fwd;
