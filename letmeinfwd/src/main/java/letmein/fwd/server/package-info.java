/**
 * The Unix socket letmeind talks to: the run directory and the socket's permissions, the socket systemd
 * passes instead, who may connect (SO_PEERCRED against the letmeind account), and the server that reads
 * one 60-byte frame per connection and answers ACK or NACK. The only package that sees bytes from
 * another process.
 */
package letmein.fwd.server;
