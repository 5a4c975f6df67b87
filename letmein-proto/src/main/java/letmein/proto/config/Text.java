package letmein.proto.config;

/**
 * Whitespace handling as upstream (Rust {@code char::is_whitespace}, i.e. the Unicode White_Space
 * property), so that values trim exactly as upstream trims them.
 */
final class Text {
    private Text() {
    }

    static boolean isWhitespace(char c) {
        switch (c) {
            case '\t': case '\n': case 0x0B: case '\f': case '\r': case ' ':
            case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
                return true;
            default:
                return c >= 0x2000 && c <= 0x200A;
        }
    }

    static String trimStart(String s) {
        int i = 0;
        while (i < s.length() && isWhitespace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    static String trimEnd(String s) {
        int j = s.length();
        while (j > 0 && isWhitespace(s.charAt(j - 1))) {
            j--;
        }
        return s.substring(0, j);
    }

    static String trim(String s) {
        return trimEnd(trimStart(s));
    }

    /** Shortens a value for an error message so a broken multi-kilobyte line does not flood the log. */
    static String quote(String s) {
        String t = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        StringBuilder b = new StringBuilder(t.length() + 2).append('\'');
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('\'').toString();
    }
}
