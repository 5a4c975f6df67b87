/**
 * The letmeind to letmeinfwd request and its answer: fixed-size 60-byte messages over a Unix socket,
 * with the checksum of the config both daemons loaded (docs/PROTOCOL.md, "letmeind to letmeinfwd").
 * Shared so that both daemons encode and check the same bytes.
 */
package letmein.proto.fwd;
