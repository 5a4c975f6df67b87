package letmein.proto.fwd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * The 60-byte IPC codec under random and mutated input: every message round-trips, and any other
 * byte string fails only with {@link FwdProtocolException}, so a bad peer can never crash letmeinfwd.
 */
class FwdCodecPropertyTest {

    @Provide
    Arbitrary<InetAddress> addresses() {
        Arbitrary<byte[]> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4);
        Arbitrary<byte[]> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16);
        return Arbitraries.oneOf(v4, v6).map(b -> {
            try {
                return InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Provide
    Arbitrary<FwdMessage> messages() {
        Arbitrary<ConfigChecksum> checksums = Arbitraries.bytes().array(byte[].class).ofSize(ConfigChecksum.SIZE)
                .map(ConfigChecksum::ofBytes);
        Arbitrary<FwdMessage> install = Combinators.combine(Arbitraries.integers(), Arbitraries.integers(), addresses(),
                checksums).as((u, r, a, c) -> new FwdMessage.Install(new UserId(u), new ResourceId(r), a, c));
        Arbitrary<FwdMessage> revoke = Combinators.combine(Arbitraries.integers(), Arbitraries.integers(), addresses(),
                checksums).as((u, r, a, c) -> new FwdMessage.Revoke(new UserId(u), new ResourceId(r), a, c));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, install), net.jqwik.api.Tuple.of(4, revoke),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new FwdMessage.Ack())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new FwdMessage.Nack())));
    }

    @Property(tries = 10000)
    void encodeDecodeRoundTrip(@ForAll("messages") FwdMessage m) throws FwdProtocolException {
        byte[] frame = FwdCodec.encode(m);
        assertThat(frame).hasSize(FwdCodec.SIZE);
        FwdMessage decoded = FwdCodec.decode(frame);
        assertThat(decoded).isEqualTo(m);
        assertThat(FwdCodec.encode(decoded)).isEqualTo(frame);
        if (decoded instanceof FwdMessage.Request) {
            InetAddress a = ((FwdMessage.Request) decoded).address();
            // canonical: an IPv4-mapped IPv6 address never survives as IPv6
            assertThat(a instanceof Inet4Address || (a instanceof Inet6Address && !isMapped(a.getAddress()))).isTrue();
        }
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    @Property(tries = 10000)
    void arbitraryBytesDecodeOrFailWithFwdProtocolException(@ForAll @Size(max = 100) byte[] bytes) {
        checkDecode(bytes);
    }

    @Property(tries = 10000)
    void mutatedFramesDecodeOrFailWithFwdProtocolException(@ForAll("messages") FwdMessage m,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = FwdCodec.SIZE - 1) Integer> positions,
            @ForAll @Size(min = 8, max = 8) List<Byte> values) {
        byte[] frame = FwdCodec.encode(m);
        for (int i = 0; i < positions.size(); i++) {
            frame[positions.get(i)] = values.get(i);
        }
        checkDecode(frame);
    }

    /** Decodes or fails with the project's exception; a decoded message is stable under re-encoding. */
    private static void checkDecode(byte[] bytes) {
        FwdMessage decoded;
        try {
            decoded = FwdCodec.decode(bytes);
        } catch (FwdProtocolException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(bytes).hasSize(FwdCodec.SIZE);
        try {
            assertThat(FwdCodec.decode(FwdCodec.encode(decoded))).isEqualTo(decoded);
        } catch (FwdProtocolException e) {
            throw new AssertionError("re-encoded message no longer decodes: " + decoded, e);
        }
    }
}
