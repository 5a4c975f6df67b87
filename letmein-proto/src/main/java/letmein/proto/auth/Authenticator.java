package letmein.proto.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

import org.bouncycastle.crypto.digests.SHA3Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Computes and checks the AUTH field: HMAC-SHA3-256 over
 * {@code operation(4) user(4) resource(4) salt(8) challenge(32)}. KNOCK and REVOKE use an all-zero
 * challenge; RESPONSE uses the nonce of the server's CHALLENGE. Verification is constant-time.
 */
public final class Authenticator {
    public static final int CHALLENGE_SIZE = 32;
    private static final byte[] ZERO_CHALLENGE = new byte[CHALLENGE_SIZE];

    private Authenticator() {
    }

    /** The MAC for these fields; {@code challenge} must be 32 bytes. */
    public static byte[] mac(Key key, Operation op, UserId user, ResourceId resource, byte[] salt, byte[] challenge) {
        if (challenge.length != CHALLENGE_SIZE) {
            throw new IllegalArgumentException("challenge must be 32 bytes");
        }
        if (salt.length != Message.SALT_SIZE) {
            throw new IllegalArgumentException("salt must be 8 bytes");
        }
        ByteBuffer input = ByteBuffer.allocate(12 + Message.SALT_SIZE + CHALLENGE_SIZE);
        input.putInt(op.code()).putInt(user.value()).putInt(resource.value()).put(salt).put(challenge);
        HMac hmac = new HMac(new SHA3Digest(256));
        hmac.init(new KeyParameter(key.bytes()));
        hmac.update(input.array(), 0, input.capacity());
        byte[] out = new byte[hmac.getMacSize()];
        hmac.doFinal(out, 0);
        return out;
    }

    /** True if {@code m}'s AUTH is the MAC of its own fields under {@code key} and {@code challenge}. */
    public static boolean verify(Key key, Message m, byte[] challenge) {
        byte[] expected = mac(key, m.operation(), m.user(), m.resource(), m.salt(), challenge);
        return MessageDigest.isEqual(expected, m.auth());
    }

    /** Verifies a KNOCK or REVOKE (zero challenge). */
    public static boolean verifyNoChallenge(Key key, Message m) {
        return verify(key, m, ZERO_CHALLENGE);
    }

    /**
     * Runs BouncyCastle's one-time set-up (its {@code CryptoServicesRegistrar} starts
     * {@code java.util.logging} and reads the security properties, about 10 ms) without any key: a
     * short-lived process such as the client calls this on a spare thread at start so that its first
     * real {@link #mac} does not wait for it. Computes a throw-away MAC under an all-zero key.
     */
    public static void warmUp() {
        HMac hmac = new HMac(new SHA3Digest(256));
        hmac.init(new KeyParameter(new byte[Key.SIZE]));
        hmac.update(ZERO_CHALLENGE, 0, ZERO_CHALLENGE.length);
        hmac.doFinal(new byte[hmac.getMacSize()], 0);
    }

    static byte[] zeroChallenge() {
        return ZERO_CHALLENGE.clone();
    }
}
