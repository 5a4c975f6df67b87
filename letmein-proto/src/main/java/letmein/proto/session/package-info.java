/**
 * The server side of the knock exchange as a pure state machine: {@code Session} takes messages and
 * events and returns {@code Step}s (send, ask letmeinfwd, end with a {@code Decision}); the
 * {@code ReplyPolicy} says which errors are answered. It knows nothing of sockets, so letmeind's TCP
 * and UDP transports drive the same one, and so do the client's test and training stand-ins: the
 * server side of the protocol exists once.
 */
package letmein.proto.session;
