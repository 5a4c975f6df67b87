package letmein.proto.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import letmein.proto.config.SeccompMode;

class ArgScannerTest {
    private static ArgScanner scanner(String... args) {
        return new ArgScanner(args, Set.of("-c", "-n"));
    }

    /** Reads options as a tiny daemon would: -c FILE, -n N, --flag, --seccomp MODE. */
    private static List<String> read(String... args) throws UsageException {
        ArgScanner s = scanner(args);
        List<String> seen = new ArrayList<>();
        while (s.hasNext()) {
            String name = s.next();
            switch (name) {
                case "-c", "--config" -> seen.add("config=" + s.value());
                case "-n" -> seen.add("n=" + s.positiveNumber());
                case "--flag" -> {
                    s.noValue();
                    seen.add("flag");
                }
                case "--seccomp" -> seen.add("seccomp=" + s.seccompMode());
                default -> throw s.unknown();
            }
        }
        return seen;
    }

    @Test
    void allSpellingsOfAValue() throws Exception {
        assertThat(read("-c", "a", "-cb", "-c=c", "--config", "d", "--config=e"))
                .containsExactly("config=a", "config=b", "config=c", "config=d", "config=e");
        assertThat(read("-n", "8", "-n64", "--flag")).containsExactly("n=8", "n=64", "flag");
        assertThat(read("--seccomp", "log", "--seccomp=KILL"))
                .containsExactly("seccomp=" + SeccompMode.LOG, "seccomp=" + SeccompMode.KILL);
    }

    @Test
    void errorsNameTheOption() {
        assertThatThrownBy(() -> read("-c")).hasMessage("missing value for -c");
        assertThatThrownBy(() -> read("--config=")).hasMessage("missing value for --config");
        assertThatThrownBy(() -> read("--flag=1")).hasMessage("--flag takes no value");
        assertThatThrownBy(() -> read("-n", "x")).hasMessageContaining("'x' is not a positive number");
        assertThatThrownBy(() -> read("-n", "0")).hasMessageContaining("'0' is not a positive number");
        assertThatThrownBy(() -> read("--seccomp", "on")).hasMessageContaining("expected off, log or kill");
        assertThatThrownBy(() -> read("--bogus")).hasMessage("unknown option '--bogus'");
        assertThatThrownBy(() -> read("stray")).hasMessage("unexpected argument 'stray'");
        assertThatThrownBy(() -> read("--seccomp")).hasMessage("missing value for --seccomp");
    }
}
