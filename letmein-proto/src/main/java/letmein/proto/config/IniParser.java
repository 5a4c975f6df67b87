package letmein.proto.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The INI dialect of upstream letmein, and nothing else (no meaning of options here):
 * <ul>
 * <li>UTF-8 only; lines end with {@code \n} or {@code \r\n}; leading whitespace is ignored;</li>
 * <li>blank lines and lines whose first non-blank character is {@code #} are ignored; there are no inline
 * comments ({@code port = 5800 # x} has the value {@code " 5800 # x"});</li>
 * <li>{@code [NAME]} starts a section (names verbatim and case-sensitive; empty or duplicate names are
 * errors);</li>
 * <li>{@code name = value}: the name is right-trimmed, the value is kept untrimmed; a duplicate name within
 * a section is an error;</li>
 * <li>non-blank lines starting with a space or tab directly after an option continue its value (joined
 * with one space, leading whitespace removed); a blank line ends the continuation.</li>
 * </ul>
 */
public final class IniParser {
    private IniParser() {
    }

    /** Parses raw file bytes; every error names the file and the 1-based line. */
    public static IniDocument parse(Path file, byte[] bytes) throws ConfigException {
        return parse(file, decode(file, bytes));
    }

    /** Parses already-decoded text. */
    public static IniDocument parse(Path file, String text) throws ConfigException {
        List<String> lines = splitLines(text);
        Map<String, SectionBuilder> sections = new LinkedHashMap<>();
        SectionBuilder current = null;
        OptionBuilder continued = null;

        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String raw = lines.get(i);
            if (continued != null) {
                if (!raw.isEmpty() && (raw.charAt(0) == ' ' || raw.charAt(0) == '\t') && !Text.trim(raw).isEmpty()) {
                    continued.value.append(' ').append(Text.trimStart(raw));
                    continue;
                }
                continued = null;
            }
            String line = Text.trimStart(raw);
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            if (lineNo == 1 && line.charAt(0) == '\uFEFF') {
                throw new ConfigException(file, lineNo, "File starts with a byte order mark (U+FEFF); "
                        + "save it as UTF-8 without BOM");
            }
            if (line.charAt(0) == '[') {
                String t = Text.trimEnd(line);
                if (t.length() < 2 || t.charAt(t.length() - 1) != ']') {
                    throw new ConfigException(file, lineNo, "Invalid section header " + Text.quote(t)
                            + ": it must end with ']'");
                }
                String name = t.substring(1, t.length() - 1);
                if (name.isEmpty()) {
                    throw new ConfigException(file, lineNo, "Section name is empty: " + Text.quote(t));
                }
                SectionBuilder existing = sections.get(name);
                if (existing != null) {
                    throw new ConfigException(file, lineNo, "Duplicate section [" + name
                            + "] (first defined on line " + existing.line + ")");
                }
                current = new SectionBuilder(name, lineNo);
                sections.put(name, current);
                continue;
            }
            if (current == null) {
                throw new ConfigException(file, lineNo, "Option is not inside of a section: "
                        + Text.quote(Text.trimEnd(line)) + " (add a section header such as [GENERAL] above it)");
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(file, lineNo, "Option has no equal sign '=': " + show(line, current.name));
            }
            String name = Text.trimEnd(line.substring(0, eq));
            if (name.isEmpty()) {
                throw new ConfigException(file, lineNo, "Option has no name before equal sign '=': "
                        + show(line, current.name));
            }
            OptionBuilder existing = current.options.get(name);
            if (existing != null) {
                throw new ConfigException(file, lineNo, "Duplicate option '" + name + "' in section ["
                        + current.name + "] (first defined on line " + existing.line + ")");
            }
            continued = new OptionBuilder(name, line.substring(eq + 1), lineNo);
            current.options.put(name, continued);
        }

        List<IniDocument.Section> out = new ArrayList<>(sections.size());
        for (SectionBuilder s : sections.values()) {
            List<IniDocument.Option> opts = new ArrayList<>(s.options.size());
            for (OptionBuilder o : s.options.values()) {
                opts.add(new IniDocument.Option(o.name, o.value.toString(), o.line));
            }
            out.add(new IniDocument.Section(s.name, s.line, opts));
        }
        return new IniDocument(file, out, lines.size());
    }

    /** The offending line for a message; never a line of [KEYS], which may hold a secret key. */
    private static String show(String line, String section) {
        return section.equals("KEYS") ? "(line not shown: [KEYS] holds secret keys)" : Text.quote(Text.trimEnd(line));
    }

    /** Splits like Rust's {@code str::lines}: on {@code \n}, dropping one {@code \r} before it. */
    static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            int contentEnd = end;
            if (nl >= 0 && contentEnd > start && text.charAt(contentEnd - 1) == '\r') {
                contentEnd--;
            }
            lines.add(text.substring(start, contentEnd));
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return lines;
    }

    private static String decode(Path file, byte[] bytes) throws ConfigException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return dec.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int bad = firstInvalidUtf8(bytes);
            int line = 1;
            for (int i = 0; i < bad && i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new ConfigException(file, line, "File is not valid UTF-8 (invalid byte sequence at byte offset "
                    + bad + ")");
        }
    }

    /** Offset of the first byte that does not start a valid UTF-8 sequence. */
    private static int firstInvalidUtf8(byte[] b) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 1);
        java.nio.charset.CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            return in.position();
        }
        return in.position();
    }

    private static final class SectionBuilder {
        final String name;
        final int line;
        final Map<String, OptionBuilder> options = new LinkedHashMap<>();

        SectionBuilder(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    private static final class OptionBuilder {
        final String name;
        final StringBuilder value;
        final int line;

        OptionBuilder(String name, String value, int line) {
            this.name = name;
            this.value = new StringBuilder(value);
            this.line = line;
        }
    }
}
