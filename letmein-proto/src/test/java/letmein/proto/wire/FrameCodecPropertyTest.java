package letmein.proto.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The 56-byte frame codec under random and mutated input: encode/decode is a bijection on valid frames,
 * and anything else fails only with {@link ProtocolException} — never another exception a network
 * daemon would have to survive.
 */
class FrameCodecPropertyTest {

    @Provide
    Arbitrary<Message> messages() {
        return Combinators.combine(Arbitraries.of(Operation.class), Arbitraries.integers(), Arbitraries.integers(),
                Arbitraries.bytes().array(byte[].class).ofSize(Message.SALT_SIZE),
                Arbitraries.bytes().array(byte[].class).ofSize(Message.AUTH_SIZE))
                .as((op, user, res, salt, auth) -> new Message(op, new UserId(user), new ResourceId(res), salt, auth));
    }

    @Property(tries = 10000)
    void encodeDecodeRoundTrip(@ForAll("messages") Message m) throws ProtocolException {
        byte[] frame = FrameCodec.encode(m);
        assertThat(frame).hasSize(Message.SIZE);
        assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(FrameCodec.MAGIC);
        assertThat(FrameCodec.decode(frame)).isEqualTo(m);
        ByteBuffer buf = ByteBuffer.wrap(frame);
        assertThat(FrameCodec.decode(buf)).isEqualTo(m);
        assertThat(buf.remaining()).isZero();
    }

    @Property(tries = 10000)
    void arbitraryBytesDecodeOrFailWithProtocolException(@ForAll @Size(max = 100) byte[] bytes) {
        try {
            Message m = FrameCodec.decode(bytes);
            // only an exact frame with the magic and a known operation decodes, and it re-encodes identically
            assertThat(FrameCodec.encode(m)).isEqualTo(bytes);
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 10000)
    void mutatedFramesDecodeOrFailWithProtocolException(@ForAll("messages") Message m,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = Message.SIZE - 1) Integer> positions,
            @ForAll @Size(min = 8, max = 8) List<Byte> values) {
        byte[] frame = FrameCodec.encode(m);
        for (int i = 0; i < positions.size(); i++) {
            frame[positions.get(i)] = values.get(i);
        }
        try {
            Message decoded = FrameCodec.decode(frame);
            assertThat(FrameCodec.encode(decoded)).isEqualTo(frame);
        } catch (ProtocolException e) {
            int magic = ByteBuffer.wrap(frame).getInt();
            int op = ByteBuffer.wrap(frame).getInt(4);
            assertThat(magic != FrameCodec.MAGIC || op < 0 || op > 5).as("rejected a valid frame: " + e).isTrue();
        }
    }

    @Property(tries = 10000)
    void streamDecodeAlwaysConsumesWholeFrames(@ForAll @Size(max = 200) byte[] stream) {
        ByteBuffer buf = ByteBuffer.wrap(stream);
        while (true) {
            int before = buf.remaining();
            try {
                FrameCodec.decode(buf);
            } catch (ProtocolException e) {
                if (before < Message.SIZE) {
                    assertThat(buf.remaining()).isEqualTo(before); // a short buffer is left alone
                    return;
                }
            }
            assertThat(buf.remaining()).isEqualTo(before - Message.SIZE); // never desynchronises a stream
        }
    }

    @Property(tries = 10000)
    void framesWithMagicDecodeExactlyWhenTheOperationIsKnown(
            @ForAll @IntRange(min = -1, max = 7) int op, @ForAll @Size(min = 48, max = 48) byte[] rest) {
        byte[] frame = ByteBuffer.allocate(Message.SIZE).putInt(FrameCodec.MAGIC).putInt(op).put(rest).array();
        try {
            Message m = FrameCodec.decode(frame);
            assertThat(m.operation().code()).isEqualTo(op);
            assertThat(FrameCodec.encode(m)).isEqualTo(frame);
        } catch (ProtocolException e) {
            assertThat(op < 0 || op > 5).as("rejected known operation " + op).isTrue();
            assertThat(e.getMessage()).contains("Operation value: " + Integer.toUnsignedString(op));
        }
    }
}
