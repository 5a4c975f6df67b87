/**
 * What of systemd is letmeind's alone: which passed sockets it accepts ({@code ActivatedSockets}: one
 * TCP listener, one UDP socket, both non-blocking) and how its readiness datagram is sent
 * ({@code NettyNotifyTransport}). The protocol parts shared with letmeinfwd are in letmein.proto.daemon.
 */
package letmein.daemon.systemd;
