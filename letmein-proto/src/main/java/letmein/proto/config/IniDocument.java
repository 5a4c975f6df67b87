package letmein.proto.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed letmein INI file: sections in file order, each with its options in file order and the line
 * each one starts on. Kept separate from the meaning of the options so that every later error can
 * still point at the exact line an administrator has to fix.
 */
public final class IniDocument {
    /** One {@code name = value} option; {@code value} is untrimmed, continuation lines joined by a space. */
    public record Option(String name, String value, int line) {
        public Option {
            Objects.requireNonNull(name);
            Objects.requireNonNull(value);
        }
    }

    /** One {@code [NAME]} section and its options. */
    public record Section(String name, int line, List<Option> options) {
        public Section {
            Objects.requireNonNull(name);
            options = List.copyOf(options);
        }

        /** The option called {@code name} (names are unique within a section). */
        public Optional<Option> option(String optionName) {
            for (Option o : options) { // a loop, not a stream: start-up time of the client
                if (o.name().equals(optionName)) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    private final Path file;
    private final Map<String, Section> sections;
    private final int lineCount;

    IniDocument(Path file, List<Section> sections) {
        this(file, sections, 0);
    }

    IniDocument(Path file, List<Section> sections, int lineCount) {
        this.file = file;
        this.lineCount = lineCount;
        Map<String, Section> m = new LinkedHashMap<>();
        for (Section s : sections) {
            m.put(s.name(), s);
        }
        this.sections = Collections.unmodifiableMap(m);
    }

    /** The file this text came from (only for messages). */
    public Path file() {
        return file;
    }

    /** Number of lines in the file (0 for an empty one): where a missing section would have to go. */
    public int lineCount() {
        return lineCount;
    }

    /** The line of {@code section}'s header, else the last line of the file (where it would be added). */
    public int lineOf(String section) {
        Section s = sections.get(section);
        return s == null ? Math.max(1, lineCount) : s.line();
    }

    /**
     * The line to point at for {@code option} of {@code section}: the option's own line, else the
     * section's header, else the last line of the file (where the section would be added).
     */
    public int lineOf(String section, String option) {
        Section s = sections.get(section);
        if (s == null) {
            return Math.max(1, lineCount);
        }
        return s.option(option).map(Option::line).orElse(s.line());
    }

    /** All sections in file order. */
    public List<Section> sections() {
        return List.copyOf(new ArrayList<>(sections.values()));
    }

    public Optional<Section> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    /** The option {@code name} of section {@code section}, if both exist. */
    public Optional<Option> option(String section, String name) {
        Section s = sections.get(section);
        return s == null ? Optional.empty() : s.option(name);
    }
}
