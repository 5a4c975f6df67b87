package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Helpers shared by the config tests. */
final class ConfigTestSupport {
    static final Path FILE = Path.of("/etc/letmein/letmeind.conf");
    static final String KEY1 = "80E9C81DFA4879B2C64910E1B6870DA42DFB82261B76C859F3A0F5A09DEA2A3D";
    static final String KEY2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private ConfigTestSupport() {
    }

    static ServerConfig server(String text) throws ConfigException {
        return Configs.parseServer(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    static ClientConfig client(String text) throws ConfigException {
        return Configs.parseClient(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The error the server parser reports for {@code text}; fails the test if there is none. */
    static ConfigException serverError(String text) {
        try {
            server(text);
        } catch (ConfigException e) {
            checkFormat(e);
            return e;
        }
        throw new AssertionError("expected a ConfigException for:\n" + text);
    }

    static ConfigException clientError(String text) {
        try {
            client(text);
        } catch (ConfigException e) {
            checkFormat(e);
            return e;
        }
        throw new AssertionError("expected a ConfigException for:\n" + text);
    }

    private static void checkFormat(ConfigException e) {
        assertThat(e.file()).isEqualTo(FILE);
        assertThat(e.getMessage()).isEqualTo(e.line() > 0 ? FILE + ":" + e.line() + ": " + e.problem()
                : FILE + ": " + e.problem());
    }
}
