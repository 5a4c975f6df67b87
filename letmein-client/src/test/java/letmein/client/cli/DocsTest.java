package letmein.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build-time man page and completion come from the live picocli model: every command and option. */
class DocsTest {
    @Test
    void manPageAndCompletionCoverEveryCommandAndOption(@TempDir Path dir) throws Exception {
        Docs.main(new String[] {dir.toString()});
        String man = Files.readString(dir.resolve("letmein.1"));
        String completion = Files.readString(dir.resolve("letmein_completion"));
        for (String cmd : new String[] {"knock", "revoke", "gen-key", "connect", "check"}) {
            assertThat(man).contains(".SS " + cmd);
            assertThat(completion).contains(cmd);
        }
        for (String opt : new String[] {"\\-\\-server\\-port\\-tcp", "\\-\\-ipv6", "\\-\\-check\\-config", "\\-\\-seccomp"}) {
            assertThat(man).contains(opt);
        }
        assertThat(man).contains("ProxyCommand letmein connect %h %p").doesNotContain("%%");
        assertThat(man).contains("letmein connect\n[\\-46TU] [\\-P PORT] [\\-r RESOURCE] [\\-u USER] HOST PORT");
        assertThat(completion).contains("--server-port-udp").contains("complete");
    }
}
