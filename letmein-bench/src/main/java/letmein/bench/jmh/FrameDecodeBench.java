package letmein.bench.jmh;

import java.util.concurrent.TimeUnit;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of turning one 56-byte datagram into a {@link Message}: the first thing letmeind does with
 * every packet, legitimate or garbage, so it bounds the flood rate a single core can drop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameDecodeBench {
    private byte[] knock;
    private byte[] garbage;

    @Setup
    public void setUp() {
        Key key = Key.of(new SecureRandomness().bytes(Key.SIZE));
        Message m = new Messages(new SecureRandomness())
                .opening(Operation.KNOCK, key, UserId.parse("00000001"), ResourceId.parse("00000022"));
        knock = FrameCodec.encode(m);
        garbage = new SecureRandomness().bytes(Message.SIZE);
        garbage[0] ^= 0x55; // never the magic by accident
    }

    /** A valid KNOCK frame. */
    @Benchmark
    public Message decodeValid() throws ProtocolException {
        return FrameCodec.decode(knock);
    }

    /** A random 56-byte frame (bad magic): the flood case; returns the rejection. */
    @Benchmark
    public Object decodeGarbage() {
        try {
            return FrameCodec.decode(garbage);
        } catch (ProtocolException e) {
            return e;
        }
    }
}
