package letmein.proto.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The project's version, as the build wrote it into {@code version.properties} from the pom. Every
 * program's {@code -v} output uses it, so no source file carries a version number.
 */
public final class Version {
    private static final String RESOURCE = "version.properties";
    private static final String TEXT = load();

    private Version() {
    }

    /** The pom's {@code <version>}; {@code unknown} when the jar was built without the resource. */
    public static String text() {
        return TEXT;
    }

    /** The {@code -v} line: {@code PROGRAM version X.Y.Z}. */
    public static String line(String program) {
        return program + " version " + TEXT;
    }

    private static String load() {
        // read by hand instead of java.util.Properties: one line, and the client's start-up counts classes
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.startsWith("version=")) {
                    String v = l.substring("version=".length()).strip();
                    return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
                }
            }
            return "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
