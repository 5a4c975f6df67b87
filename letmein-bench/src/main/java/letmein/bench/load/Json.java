package letmein.bench.load;

import java.util.Locale;
import java.util.Map;

/**
 * A minimal JSON writer for the load tool's flat result (maps, strings, numbers): avoids pulling
 * jackson into a module whose only output is one line of numbers.
 */
final class Json {
    private Json() {
    }

    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        append(b, v);
        return b.toString();
    }

    private static void append(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?>) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                string(b, String.valueOf(e.getKey()));
                b.append(": ");
                append(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof Double) {
            double d = (Double) v;
            b.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%s", d) : "null");
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            string(b, String.valueOf(v));
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
