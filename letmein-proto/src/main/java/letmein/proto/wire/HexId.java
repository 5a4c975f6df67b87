package letmein.proto.wire;

import java.util.Locale;

/** Shared parsing/formatting of the 32-bit ids that configs and logs show as 8-digit hex. */
final class HexId {
    private HexId() {
    }

    /** Parses 1–8 hex digits (no {@code 0x}), surrounding whitespace ignored. */
    static int parse(String text, String what) throws IllegalArgumentException {
        String t = text.strip();
        if (t.isEmpty() || t.length() > 8) {
            throw new IllegalArgumentException("'" + what + "' id is invalid: '" + text.strip()
                    + "' (expected 1 to 8 hex digits, e.g. 0000001A)");
        }
        for (int i = 0; i < t.length(); i++) {
            if (Character.digit(t.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("'" + what + "' id is invalid: '" + t
                        + "' (expected 1 to 8 hex digits, e.g. 0000001A)");
            }
        }
        return (int) Long.parseLong(t, 16);
    }

    /** 8 upper-case hex digits; without String.format, whose Formatter daemons would otherwise keep resident. */
    static String format(int value) {
        String hex = Integer.toHexString(value).toUpperCase(Locale.ROOT);
        return "00000000".substring(hex.length()) + hex;
    }
}
