/**
 * The 56-byte wire message both ends of a knock exchange: {@code Message} (operation, user, resource,
 * salt, MAC) and {@code FrameCodec}, which turns bytes into messages and back and rejects anything else
 * with a {@code ProtocolException}. No I/O and no crypto here: this is the one place the frame layout
 * (docs/PROTOCOL.md, "Wire format") is written down in code, shared by client, daemon and tests.
 */
package letmein.proto.wire;
