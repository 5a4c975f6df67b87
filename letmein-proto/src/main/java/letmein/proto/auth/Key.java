package letmein.proto.auth;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte pre-shared key. Never printed: {@link #toString()} hides the value so that a key cannot
 * end up in a log line by accident.
 */
public final class Key {
    public static final int SIZE = 32;
    private final byte[] bytes;

    private Key(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps exactly 32 bytes (copied). */
    public static Key of(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("Key must be 32 bytes, not " + bytes.length);
        }
        return new Key(bytes.clone());
    }

    /**
     * Parses exactly 64 hex digits and rejects the all-00 and all-FF keys that upstream's example files
     * contain commented out. Nothing is trimmed here: the config parser trims a value by upstream's
     * whitespace rule (Unicode White_Space) before it gets here, so a key trims as it does upstream.
     */
    public static Key parseHex(String text) {
        String t = text;
        if (t.length() != 2 * SIZE) {
            throw new IllegalArgumentException("Key must be exactly 64 hex digits, got " + t.length() + " characters");
        }
        byte[] b;
        try {
            b = HexFormat.of().parseHex(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Key is not valid hex: it must be exactly 64 hex digits");
        }
        if (allEqual(b, (byte) 0x00)) {
            throw new IllegalArgumentException("Key is all zeros");
        }
        if (allEqual(b, (byte) 0xFF)) {
            throw new IllegalArgumentException("Key is all ones");
        }
        return new Key(b);
    }

    private static boolean allEqual(byte[] b, byte v) {
        for (byte x : b) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the key bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Upper-case hex, as {@code gen-key} prints it. Only for writing config lines. */
    public String toHex() {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Key[hidden]";
    }
}
