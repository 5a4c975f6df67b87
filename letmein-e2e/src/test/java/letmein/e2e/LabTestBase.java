package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import letmein.e2e.Lab.Host;

/**
 * Gives every test its own fresh lab (no lease, no state from an earlier test) and removes it
 * afterwards, whatever happened. Holds the reachability assertions the scenarios share.
 */
abstract class LabTestBase {
    protected Lab lab;

    @BeforeEach
    void labUp(TestInfo info) {
        String method = info.getTestMethod().map(m -> m.getName()).orElse("test");
        String display = info.getDisplayName();
        String name = info.getTestClass().map(Class::getSimpleName).orElse("lab") + "-" + method
                + (display.startsWith(method) ? "" : "-" + display);
        lab = Lab.up(name);
    }

    @AfterEach
    void labDown() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Asserts what {@code host} can reach on {@code port} of the server, per address family. */
    protected void assertReach(Host host, int port, boolean v4, boolean v6) {
        boolean got4 = lab.tcpOpen(host, Lab.SERVER_V4, port);
        boolean got6 = lab.tcpOpen(host, Lab.SERVER_V6, port);
        assertThat(new boolean[] {got4, got6})
                .as("%s reaching server port %d over [IPv4, IPv6]; ruleset:%n%s", host, port, lab.ruleset())
                .containsExactly(v4, v6);
    }

    /**
     * Asserts that some line of the daemon's log contains all {@code fragments} (the daemons log one
     * line per decision, with key=value fields such as {@code user=00000001 result=rejected}).
     */
    protected void assertLogLine(Lab.Daemon daemon, String... fragments) {
        String log = lab.log(daemon);
        boolean found = log.lines().anyMatch(line -> {
            for (String f : fragments) {
                if (!line.contains(f)) {
                    return false;
                }
            }
            return true;
        });
        assertThat(found).as("a line of the %s log containing all of %s; the log:%n%s", daemon,
                java.util.Arrays.toString(fragments), log).isTrue();
    }

    protected void assertShut(Host host, int port) {
        assertReach(host, port, false, false);
    }

    /** A successful command, with everything it printed in the failure message. */
    protected static CommandResult ok(CommandResult r) {
        assertThat(r.exitCode()).as("exit status of%n%s", r.describe()).isZero();
        return r;
    }

    protected static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
