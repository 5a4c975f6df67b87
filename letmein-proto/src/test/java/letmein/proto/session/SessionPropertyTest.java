package letmein.proto.session;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Without the key nothing gets through: for any sequence of frames (random or mutated from valid
 * ones, with known or random ids), the session never asks letmeinfwd, never sends COMEIN, never
 * throws, and answers NotAuth errors only under {@code always}.
 */
class SessionPropertyTest {

    @Provide
    Arbitrary<byte[]> frame() {
        byte[] valid = FrameCodec.encode(knock(KEY, USER, PORT42));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofSize(Message.SIZE);
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.integers().between(0, Message.SIZE - 1),
                Arbitraries.integers().between(1, 255)).as((i, x) -> {
                    byte[] b = valid.clone();
                    b[i] ^= (byte) (int) x;
                    return b;
                });
        Arbitrary<byte[]> forged = Combinators.combine(Arbitraries.of(Operation.values()),
                Arbitraries.of(USER, OTHER_USER, SessionFixtures.UNKNOWN_USER),
                Arbitraries.of(PORT42, JUMP, RESTRICTED, CONTROL, SessionFixtures.UNKNOWN_RESOURCE),
                Arbitraries.bytes().array(byte[].class).ofSize(8),
                Arbitraries.bytes().array(byte[].class).ofSize(32))
                .as((op, u, r, salt, auth) -> FrameCodec.encode(new Message(op, u, r, salt, auth)));
        return Arbitraries.oneOf(random, mutated, forged);
    }

    @Property
    void nothingGetsThroughWithoutTheKey(@ForAll("frames") List<byte[]> frames, @ForAll ErrorPolicy policy)
            throws Exception {
        Session s = new Session(config(policy), new ReplyPolicy(policy), MESSAGES,
                new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1234), "UDP", true);
        for (byte[] f : frames) {
            if (!s.awaitsMessage()) {
                break;
            }
            Step step;
            try {
                step = s.onMessage(FrameCodec.decode(f));
            } catch (ProtocolException e) {
                step = s.onUndecodable(e.getMessage());
                assertThat(((Step.End) step).reply()).isEmpty();
                continue;
            }
            assertThat(step).isNotInstanceOf(Step.Forward.class);
            if (step instanceof Step.Send) {
                assertThat(((Step.Send) step).reply().operation()).isEqualTo(Operation.CHALLENGE);
            }
            if (step instanceof Step.End) {
                Step.End end = (Step.End) step;
                assertThat(end.decision().success()).isFalse();
                end.reply().ifPresent(m -> assertThat(m.operation()).isEqualTo(Operation.GOAWAY));
                if (end.reply().isPresent() && policy != ErrorPolicy.ALWAYS) {
                    // only a KNOCK/REVOKE with a valid MAC (i.e. the unmodified valid frame) reaches BasicAuth
                    assertThat(policy).isEqualTo(ErrorPolicy.BASIC_AUTH);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<byte[]>> frames() {
        return frame().list().ofMinSize(1).ofMaxSize(4);
    }
}
