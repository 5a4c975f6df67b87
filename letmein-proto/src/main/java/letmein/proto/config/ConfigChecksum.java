package letmein.proto.config;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.crypto.digests.SHA3Digest;

/**
 * SHA3-256 over {@code be64(length) || raw bytes of letmeind.conf}. letmeind sends it with every IPC
 * request and letmeinfwd compares it with its own, so both daemons provably authorise against the same
 * file (e.g. after an edit where only one daemon was restarted).
 */
public final class ConfigChecksum {
    public static final int SIZE = 32;
    private final byte[] bytes;

    private ConfigChecksum(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Checksum of a file's raw contents. */
    public static ConfigChecksum of(byte[] fileBytes) {
        SHA3Digest d = new SHA3Digest(256);
        byte[] len = ByteBuffer.allocate(8).putLong(fileBytes.length).array();
        d.update(len, 0, len.length);
        d.update(fileBytes, 0, fileBytes.length);
        byte[] out = new byte[SIZE];
        d.doFinal(out, 0);
        return new ConfigChecksum(out);
    }

    /** Wraps 32 checksum bytes received over IPC. */
    public static ConfigChecksum ofBytes(byte[] checksum) {
        if (checksum.length != SIZE) {
            throw new IllegalArgumentException("checksum must be 32 bytes");
        }
        return new ConfigChecksum(checksum.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Constant-time comparison. */
    public boolean matches(ConfigChecksum other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigChecksum c && matches(c);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
