package letmein.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
    @Test
    void readsOneObjectPerLineAndSkipsBlankLines() throws IOException {
        List<JsonNode> rows = JsonLines.parse("f", "{\"a\": 1}\n\n{\"a\": 2, \"t\": \"udp\"}\n");
        assertThat(rows).hasSize(2);
        assertThat(JsonLines.number(rows.get(1), "a", "x")).isEqualTo(2.0);
        assertThat(JsonLines.text(rows.get(1), "t", "x")).isEqualTo("udp");
    }

    @Test
    void aBadLineNamesFileAndLine() {
        assertThatThrownBy(() -> JsonLines.parse("r.jsonl", "{\"a\": 1}\n{\"a\": \n"))
                .isInstanceOf(IOException.class).hasMessageStartingWith("r.jsonl:2: not JSON");
        assertThatThrownBy(() -> JsonLines.parse("r.jsonl", "[1, 2]\n"))
                .isInstanceOf(IOException.class).hasMessage("r.jsonl:1: expected a JSON object");
    }

    @Test
    void missingOrWrongFieldsAreNamed() throws IOException {
        JsonNode n = JsonLines.parse("f", "{\"a\": \"x\"}").get(0);
        assertThatThrownBy(() -> JsonLines.number(n, "a", "f record 1"))
                .hasMessage("f record 1: field \"a\" missing or not a number");
        assertThatThrownBy(() -> JsonLines.text(n, "b", "f record 1"))
                .hasMessage("f record 1: field \"b\" missing or not a string");
    }

    @Test
    void readsWhatTheLoadToolWrites() throws IOException {
        Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("label", "ipv4 \"quoted\"");
        r.put("clients", 8);
        r.put("p99_ms", 45.33);
        r.put("us_per_knock", null);
        JsonNode n = JsonLines.parse("f", Json.write(r) + "\n").get(0);
        assertThat(n.get("label").asText()).isEqualTo("ipv4 \"quoted\"");
        assertThat(n.get("clients").asInt()).isEqualTo(8);
        assertThat(n.get("p99_ms").asDouble()).isEqualTo(45.33);
        assertThat(n.get("us_per_knock").isNull()).isTrue();
    }
}
