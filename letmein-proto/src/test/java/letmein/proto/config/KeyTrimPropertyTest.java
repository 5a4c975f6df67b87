package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A key value trims exactly as upstream trims it: by the Unicode White_Space property (what Rust's
 * {@code char::is_whitespace} tests), not by Java's {@code Character.isWhitespace}. The two differ on
 * U+001C..U+001F (Java: whitespace; White_Space: not) and on NBSP U+00A0, U+2007, U+202F (the reverse).
 * The oracle below is the property's list written out, independent of the parser's own table.
 */
class KeyTrimPropertyTest {
    private static final String KEY = "80e9c8c4a1e6f8f3cf2d0f7e5b39c0e2c1a3db3da1e5e6f7b8c9d0e1f2a32a3d";

    /** Unicode White_Space, minus line breaks (a line break ends the INI line). */
    private static final String WHITE_SPACE = "\t\u000B\u000C \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004"
            + "\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";
    /** Characters some trim rules treat as blank that White_Space does not include. */
    private static final String NOT_WHITE_SPACE = "\u001C\u001D\u001E\u001F\u180E\u200B\u2060\uFEFF\u0000x";

    @Property(tries = 3000)
    void keyIsAcceptedIffEverySurroundingCharacterIsWhiteSpace(@ForAll("padding") String before,
            @ForAll("padding") String after) {
        String text = "[KEYS]\n1 =" + before + KEY + after + "\n";
        boolean expected = allWhiteSpace(before) && allWhiteSpace(after);
        boolean accepted;
        try {
            Configs.parseServer(Path.of("letmeind.conf"), text.getBytes(StandardCharsets.UTF_8));
            accepted = true;
        } catch (ConfigException e) {
            accepted = false;
            assertThat(e.getMessage()).contains("Invalid key for user 00000001").doesNotContain(KEY);
        }
        assertThat(accepted).as("before=%s after=%s", codes(before), codes(after)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> padding() {
        List<Character> chars = new java.util.ArrayList<>();
        for (char c : (WHITE_SPACE + NOT_WHITE_SPACE).toCharArray()) {
            chars.add(c);
        }
        return Arbitraries.of(chars).list().ofMaxSize(3).map(l -> {
            StringBuilder b = new StringBuilder();
            l.forEach(b::append);
            return b.toString();
        });
    }

    private static boolean allWhiteSpace(String s) {
        for (char c : s.toCharArray()) {
            if (WHITE_SPACE.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String codes(String s) {
        StringBuilder b = new StringBuilder("[");
        for (char c : s.toCharArray()) {
            b.append(String.format("U+%04X ", (int) c));
        }
        return b.append(']').toString();
    }
}
