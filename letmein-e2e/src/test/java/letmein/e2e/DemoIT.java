package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The README's run command: {@code ./demo.sh} tells the whole story (ssh refused, knock, ssh through
 * {@code letmein connect}, third host refused, revoke, refused again), exits 0, and leaves nothing
 * behind; run by anyone but root it stops at once with a clear message.
 */
class DemoIT {

    @Test
    void demoRunsTheWholeStoryAndCleansUp() {
        Path repo = Prerequisites.repo();
        Prerequisites.check(repo);
        CommandResult demo = Lab.exec(List.of(repo.resolve("demo.sh").toString()), Duration.ofSeconds(300), Map.of());
        assertThat(demo.exitCode()).as(demo.describe()).isZero();
        assertThat(demo.stdout()).as(demo.describe())
                .containsSubsequence(
                        "1. The client tries ssh", "-> refused",
                        "2. The client knocks", "-> accepted",
                        "3. ssh through letmein", "-> logged in on the server as lmetest",
                        "4. The third host tries ssh", "-> refused",
                        "5. The client revokes", "-> revoked",
                        "6. The client tries ssh again", "-> refused",
                        "Cleaning up", "Done.")
                .doesNotContain("[INFO]").doesNotContain("[ERROR]").doesNotContain("Exception");
        Matcher m = Pattern.compile("/run/letmein-lab/(lme-[0-9a-f]{4})").matcher(demo.stdout());
        assertThat(m.find()).as("the demo names its lab directory").isTrue();
        String prefix = m.group(1);
        assertThat(Files.exists(Path.of("/run/letmein-lab", prefix))).as("lab directory removed").isFalse();
        CommandResult netns = Lab.exec(List.of("ip", "netns", "list"), Duration.ofSeconds(10), Map.of());
        assertThat(netns.stdout()).as("namespaces removed").doesNotContain(prefix + "-");
    }

    @Test
    void demoRefusesToRunWithoutRootWithAClearMessage() throws Exception {
        Path repo = Prerequisites.repo();
        // a copy the unprivileged user can read wherever the checkout lives; the root check comes first
        Path tmp = Files.createTempDirectory("demo-nonroot");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path copy = Files.copy(repo.resolve("demo.sh"), tmp.resolve("demo.sh"));
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
            CommandResult r = Lab.exec(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    copy.toString()), Duration.ofSeconds(30), Map.of());
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).as(r.describe()).contains("must run as root");
        } finally {
            Files.deleteIfExists(tmp.resolve("demo.sh"));
            Files.deleteIfExists(tmp);
        }
    }
}
