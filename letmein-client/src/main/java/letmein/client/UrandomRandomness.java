package letmein.client;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import letmein.proto.auth.Randomness;

/**
 * The kernel CSPRNG read straight from {@code /dev/urandom}, for the short-lived client: it gives the
 * same bytes the JDK's NativePRNG starts from, without initialising the JCA provider machinery (about
 * 8 ms of every start). Keeps upstream's tripwire: a run of one repeated byte means a broken source.
 */
final class UrandomRandomness implements Randomness {
    private static final String SOURCE = "/dev/urandom";

    @Override
    public byte[] bytes(int n) {
        if (n < 8) {
            throw new IllegalArgumentException("refusing to generate fewer than 8 random bytes (" + n + ")");
        }
        byte[] b = new byte[n];
        try (InputStream in = new FileInputStream(SOURCE)) {
            int got = in.readNBytes(b, 0, n);
            if (got != n) {
                throw new IllegalStateException(SOURCE + " returned " + got + " of " + n + " bytes");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SOURCE, e);
        }
        for (int i = 1; i < n; i++) {
            if (b[i] != b[0]) {
                return b;
            }
        }
        throw new IllegalStateException(SOURCE + " returned " + n + " identical bytes; refusing to use it (broken RNG?)");
    }
}
