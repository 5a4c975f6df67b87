package letmein.bench.jmh;

import java.util.concurrent.TimeUnit;
import letmein.proto.auth.Authenticator;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
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
 * Cost of authenticating one KNOCK (HMAC-SHA3-256 over the message, constant-time compare): letmeind
 * pays it once per knock from a known user, so it is the CPU floor of a full knock.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthVerifyBench {
    private Key key;
    private Key wrongKey;
    private Message knock;

    @Setup
    public void setUp() {
        SecureRandomness r = new SecureRandomness();
        key = Key.of(r.bytes(Key.SIZE));
        wrongKey = Key.of(r.bytes(Key.SIZE));
        knock = new Messages(r).opening(Operation.KNOCK, key, UserId.parse("00000001"), ResourceId.parse("00000022"));
    }

    /** The right key: returns true. */
    @Benchmark
    public boolean verifyKnock() {
        return Authenticator.verifyNoChallenge(key, knock);
    }

    /** A wrong key: returns false, same work (constant time). */
    @Benchmark
    public boolean verifyKnockWrongKey() {
        return Authenticator.verifyNoChallenge(wrongKey, knock);
    }
}
