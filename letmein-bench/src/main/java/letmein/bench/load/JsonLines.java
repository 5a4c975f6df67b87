package letmein.bench.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON-lines results file (one JSON object per line, as load.sh and flood.sh write them). Why its
 * own class: a bad line must name its file and line number instead of silently dropping a run from a plot.
 */
final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {
    }

    static List<JsonNode> read(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses the text of a JSON-lines file; blank lines are skipped, anything else must be an object. */
    static List<JsonNode> parse(String name, String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IOException(name + ":" + (i + 1) + ": not JSON: " + e.getOriginalMessage());
            }
            if (n == null || !n.isObject()) {
                throw new IOException(name + ":" + (i + 1) + ": expected a JSON object");
            }
            out.add(n);
        }
        return out;
    }

    /** A required number field, with the line's context in the error. */
    static double number(JsonNode n, String field, String where) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new IOException(where + ": field \"" + field + "\" missing or not a number");
        }
        return v.asDouble();
    }

    /** A required text field. */
    static String text(JsonNode n, String field, String where) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException(where + ": field \"" + field + "\" missing or not a string");
        }
        return v.asText();
    }
}
