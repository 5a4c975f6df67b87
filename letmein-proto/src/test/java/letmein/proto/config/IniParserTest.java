package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The INI dialect read by IniParser, including the cases of upstream's own parser tests. */
class IniParserTest {
    private static final Path FILE = Path.of("test.ini");

    private static IniDocument parse(String text) throws ConfigException {
        return IniParser.parse(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String value(IniDocument d, String section, String name) {
        return d.option(section, name).orElseThrow().value();
    }

    private static ConfigException error(String text) {
        try {
            parse(text);
        } catch (ConfigException e) {
            assertThat(e.file()).isEqualTo(FILE);
            assertThat(e.getMessage()).startsWith("test.ini:" + e.line() + ": ");
            return e;
        }
        throw new AssertionError("expected a ConfigException for: " + text);
    }

    @Test
    void upstreamBase() throws Exception {
        String text = "\n# Comment\n\n[SECTION]\n# Another comment\n\n# An option.\n# Yes, really an option.\n"
                + "foo = bar\n\nbiz-baz=1.0\nbzzzzz =brrrrrr\t\n\n[ANOTHER-SECTION]\n#option = commented out\n        ";
        IniDocument d = parse(text);
        assertThat(d.section("SECTION").orElseThrow().options()).hasSize(3);
        assertThat(value(d, "SECTION", "foo")).isEqualTo(" bar");
        assertThat(value(d, "SECTION", "biz-baz")).isEqualTo("1.0");
        assertThat(value(d, "SECTION", "bzzzzz")).isEqualTo("brrrrrr\t");
        assertThat(d.section("ANOTHER-SECTION").orElseThrow().options()).isEmpty();
        assertThat(d.section("SECTION").orElseThrow().line()).isEqualTo(4);
        assertThat(d.option("SECTION", "foo").orElseThrow().line()).isEqualTo(9);
        assertThat(d.option("SECTION", "bzzzzz").orElseThrow().line()).isEqualTo(12);
    }

    @Test
    void upstreamContinuation() throws Exception {
        String text = "\n[SECT1]\nopt = abc\n  def\n\nwithtab =\n\tcontwithtab\n\t\tand another\n\t\n\t\n\n[SECT2]\n"
                + "this = that\n  cont = oh no!\nnocont = ok\n\t\n  also-not-cont = :P\n\nnot-comment =\n # really not a comment\n        ";
        IniDocument d = parse(text);
        assertThat(value(d, "SECT1", "opt")).isEqualTo(" abc def");
        assertThat(value(d, "SECT1", "withtab")).isEqualTo(" contwithtab and another");
        assertThat(d.section("SECT1").orElseThrow().options()).hasSize(2);
        assertThat(value(d, "SECT2", "this")).isEqualTo(" that cont = oh no!");
        assertThat(value(d, "SECT2", "nocont")).isEqualTo(" ok");
        assertThat(value(d, "SECT2", "also-not-cont")).isEqualTo(" :P");
        assertThat(value(d, "SECT2", "not-comment")).isEqualTo(" # really not a comment");
        assertThat(d.section("SECT2").orElseThrow().options()).hasSize(4);
        // a continued option keeps the line it starts on
        assertThat(d.option("SECT1", "withtab").orElseThrow().line()).isEqualTo(6);
        assertThat(d.option("SECT2", "also-not-cont").orElseThrow().line()).isEqualTo(17);
    }

    @Test
    void upstreamContinuationBad() {
        ConfigException e = error("\n[S]\nopt=val\n\n invalid\n        ");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.problem()).isEqualTo("Option has no equal sign '=': 'invalid'");
    }

    @Test
    void commentEndsContinuationAndIndentedLineAfterItIsAnOption() throws Exception {
        IniDocument d = parse("[S]\na = 1\n# comment\n  b = 2\n");
        assertThat(value(d, "S", "a")).isEqualTo(" 1");
        assertThat(value(d, "S", "b")).isEqualTo(" 2");
        assertThat(d.option("S", "b").orElseThrow().line()).isEqualTo(4);
    }

    @Test
    void crlfLineEndings() throws Exception {
        IniDocument d = parse("[S]\r\na = b\r\n  c\r\n\r\nd=e\r\n");
        assertThat(value(d, "S", "a")).isEqualTo(" b c");
        assertThat(value(d, "S", "d")).isEqualTo("e");
        assertThat(d.option("S", "d").orElseThrow().line()).isEqualTo(5);
    }

    @Test
    void noInlineComments() throws Exception {
        assertThat(value(parse("[S]\nport = 5800 # x\n"), "S", "port")).isEqualTo(" 5800 # x");
    }

    @Test
    void namesAreVerbatimAndCaseSensitive() throws Exception {
        IniDocument d = parse("[ General ]  \n Port = 1\nport=2\n");
        assertThat(d.section(" General ")).isPresent();
        assertThat(d.section("GENERAL")).isEmpty();
        assertThat(value(d, " General ", "Port")).isEqualTo(" 1");
        assertThat(value(d, " General ", "port")).isEqualTo("2");
    }

    @Test
    void emptyValueAndEqualsInValue() throws Exception {
        IniDocument d = parse("[S]\na =\nb = x=y\n");
        assertThat(value(d, "S", "a")).isEmpty();
        assertThat(value(d, "S", "b")).isEqualTo(" x=y");
    }

    @Test
    void emptySectionName() {
        ConfigException e = error("[]\n");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.problem()).isEqualTo("Section name is empty: '[]'");
    }

    @Test
    void duplicateSection() {
        ConfigException e = error("[A]\nx=1\n\n[A]\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.problem()).isEqualTo("Duplicate section [A] (first defined on line 1)");
    }

    @Test
    void unterminatedSectionHeader() {
        ConfigException e = error("# c\n[GENERAL\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).contains("Invalid section header '[GENERAL'");
        assertThat(error("[A] x\n").problem()).contains("Invalid section header '[A] x'");
        assertThat(error("[\n").line()).isEqualTo(1);
    }

    @Test
    void optionOutsideSection() {
        ConfigException e = error("\n\nport = 1\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).startsWith("Option is not inside of a section: 'port = 1'");
    }

    @Test
    void optionWithoutName() {
        ConfigException e = error("[S]\n = 1\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).isEqualTo("Option has no name before equal sign '=': '= 1'");
    }

    @Test
    void duplicateOption() {
        ConfigException e = error("[S]\na = 1\n  cont\nb = 2\na = 3\n");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.problem()).isEqualTo("Duplicate option 'a' in section [S] (first defined on line 2)");
    }

    @Test
    void sameOptionInDifferentSectionsIsFine() throws Exception {
        IniDocument d = parse("[A]\nx=1\n[B]\nx=2\n");
        assertThat(value(d, "A", "x")).isEqualTo("1");
        assertThat(value(d, "B", "x")).isEqualTo("2");
    }

    @Test
    void invalidUtf8() {
        byte[] bytes = "[S]\na = 1\nb = \u00e4\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 2] = (byte) 0xFF; // break the second byte of the ä
        ConfigException e = assertThrowsConfig(bytes);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).startsWith("File is not valid UTF-8");
    }

    @Test
    void byteOrderMarkIsExplained() {
        ConfigException e = error("\uFEFF[S]\n");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.problem()).contains("byte order mark");
    }

    @Test
    void controlCharactersAreEscapedInMessages() {
        assertThat(error("[S]\nab\u0001c\n").problem()).isEqualTo("Option has no equal sign '=': 'ab\\x01c'");
    }

    @Test
    void documentIsImmutable() throws Exception {
        IniDocument d = parse("[S]\na=1\n");
        assertThatThrownBy(() -> d.section("S").orElseThrow().options().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.sections().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void linesOfKeysAreNeverEchoed() {
        String key = "80E9C81DFA4879B2C64910E1B6870DA42DFB82261B76C859F3A0F5A09DEA2A3D";
        ConfigException e = error("[KEYS]\n00000001 " + key + "\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).isEqualTo("Option has no equal sign '=': (line not shown: [KEYS] holds secret keys)");
        assertThat(error("[KEYS]\n= " + key + "\n").getMessage()).doesNotContain(key.substring(0, 16));
    }

    private static ConfigException assertThrowsConfig(byte[] bytes) {
        try {
            IniParser.parse(FILE, bytes);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
