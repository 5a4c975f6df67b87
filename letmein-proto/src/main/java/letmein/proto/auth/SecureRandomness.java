package letmein.proto.auth;

import java.security.SecureRandom;

/**
 * {@link Randomness} from the OS CSPRNG, with upstream's tripwire: an output of 8 or more bytes that is
 * one byte repeated (all-00, all-FF, …) means a broken generator, and we refuse to continue.
 */
public final class SecureRandomness implements Randomness {
    private final SecureRandom random;

    public SecureRandomness() {
        this(new SecureRandom());
    }

    SecureRandomness(SecureRandom random) {
        this.random = random;
    }

    @Override
    public byte[] bytes(int n) {
        if (n < 8) {
            throw new IllegalArgumentException("refusing to generate fewer than 8 random bytes (" + n + ")");
        }
        byte[] b = new byte[n];
        random.nextBytes(b);
        if (isOneRepeatedByte(b)) {
            throw new IllegalStateException("The random number generator returned " + n
                    + " identical bytes; refusing to use it (broken RNG?)");
        }
        return b;
    }

    static boolean isOneRepeatedByte(byte[] b) {
        for (int i = 1; i < b.length; i++) {
            if (b[i] != b[0]) {
                return false;
            }
        }
        return true;
    }
}
