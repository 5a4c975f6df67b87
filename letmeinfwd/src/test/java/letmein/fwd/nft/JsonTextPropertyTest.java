package letmein.fwd.nft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The streaming JSON writer/reader used for nft: lossless round trip, and garbage only ever fails cleanly. */
class JsonTextPropertyTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Provide
    Arbitrary<JsonNode> trees() {
        return tree(3);
    }

    private Arbitrary<JsonNode> tree(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(F::textNode),
                Arbitraries.longs().map(F::numberNode),
                Arbitraries.of(true, false).map(F::booleanNode),
                Arbitraries.just(F.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = tree(depth - 1).list().ofMaxSize(4).map(l -> {
            ArrayNode a = F.arrayNode();
            l.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), tree(depth - 1)).ofMaxSize(4)
                .map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    return o;
                });
        return Arbitraries.oneOf(leaf, array, object);
    }

    @Property
    void parseReadsBackWhatTextWrites(@ForAll("trees") JsonNode tree) throws IOException {
        String text = JsonText.text(tree);
        JsonNode back = JsonText.parse(text);
        assertThat(JsonText.text(back)).isEqualTo(text);
        assertThat(back.size()).isEqualTo(tree.size());
        assertThat(back.getNodeType()).isEqualTo(tree.getNodeType());
    }

    /** The nft session takes one transaction per line: no value may ever produce a raw line break. */
    @Property
    void compactTextIsAlwaysOneLine(@ForAll("trees") JsonNode tree, @ForAll String anyText) {
        ObjectNode o = F.objectNode();
        o.set("tree", tree);
        o.put("comment", anyText + "\n\r\u2028" + anyText);
        String text = JsonText.text(o);
        assertThat(text).doesNotContain("\n", "\r");
    }

    @Property
    void garbageFailsOnlyWithIOException(@ForAll String text) {
        try {
            JsonText.parse(text);
        } catch (IOException e) {
            // the expected failure
        }
    }
}
