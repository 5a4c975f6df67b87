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
        String name = info.getTestClass().map(Class::getSimpleName).orElse("lab") + "-"
                + info.getTestMethod().map(m -> m.getName()).orElse("test") + "-" + info.getDisplayName();
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
