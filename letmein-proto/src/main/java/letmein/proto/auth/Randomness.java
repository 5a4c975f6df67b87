package letmein.proto.auth;

/**
 * Where salts, challenges and keys come from. An interface so that tests can replay fixed bytes;
 * production code uses {@link SecureRandomness}.
 */
@FunctionalInterface
public interface Randomness {
    /** {@code n} fresh random bytes. */
    byte[] bytes(int n);
}
