package letmein.proto.wire;

import java.nio.ByteBuffer;

/**
 * Converts between {@link Message} and its exact 56-byte wire form:
 * magic(4) operation(4) user(4) resource(4) salt(8) auth(32), big-endian.
 */
public final class FrameCodec {
    public static final int MAGIC = 0x3B1BB719;

    private FrameCodec() {
    }

    public static byte[] encode(Message m) {
        ByteBuffer b = ByteBuffer.allocate(Message.SIZE);
        b.putInt(MAGIC).putInt(m.operation().code()).putInt(m.user().value()).putInt(m.resource().value());
        b.put(m.salt()).put(m.auth());
        return b.array();
    }

    /** Decodes a whole frame; the array must be exactly 56 bytes. */
    public static Message decode(byte[] frame) throws ProtocolException {
        if (frame.length != Message.SIZE) {
            throw new ProtocolException("Invalid message length: " + frame.length + " bytes, expected " + Message.SIZE);
        }
        return decode(ByteBuffer.wrap(frame));
    }

    /** Decodes the next 56 bytes of {@code buf} (which must have at least that many remaining). */
    public static Message decode(ByteBuffer buf) throws ProtocolException {
        if (buf.remaining() < Message.SIZE) {
            throw new ProtocolException("Truncated message: " + buf.remaining() + " bytes, expected " + Message.SIZE);
        }
        // Consume the whole frame first, so a bad frame never desynchronises a TCP stream reader.
        int magic = buf.getInt();
        int opCode = buf.getInt();
        int user = buf.getInt();
        int resource = buf.getInt();
        byte[] salt = new byte[Message.SALT_SIZE];
        byte[] auth = new byte[Message.AUTH_SIZE];
        buf.get(salt).get(auth);
        if (magic != MAGIC) {
            throw new ProtocolException(String.format("Invalid magic code: %08x", magic));
        }
        return new Message(Operation.fromCode(opCode), new UserId(user), new ResourceId(resource), salt, auth);
    }
}
