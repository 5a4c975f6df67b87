package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import letmein.e2e.Lab.Host;
import letmein.e2e.tools.UdpScanner;

/**
 * Scenario 5: the UDP control port under the stealth policy ({@code control-error-policy =
 * basic-auth}): a scanner in {@code other} gets no answer to anything it can produce without a key,
 * while a correct knock over UDP works.
 */
class StealthIT extends LabTestBase {

    @Test
    void scenario5_udpScannerGetsNoAnswerAndTheKnockWorks() {
        for (String target : new String[] {Lab.SERVER_V4, Lab.SERVER_V6}) {
            CommandResult scan = ok(lab.tool(Host.OTHER, Duration.ofSeconds(60), UdpScanner.class,
                    target, Integer.toString(Lab.CONTROL_PORT), lab.keys().get("KEY1")));
            assertThat(scan.stdout()).as(scan.describe())
                    .contains("probe=short reply=NONE")
                    .contains("probe=garbage reply=NONE")
                    .contains("probe=unknown-user reply=NONE")
                    .contains("probe=wrong-key reply=NONE")
                    // positive control: the port does answer this host when the knock is genuine
                    .contains("probe=valid reply=CHALLENGE");
        }
        assertShut(Host.OTHER, Lab.SSH_PORT);
        // silent, but not unnoticed: the admin sees each probe
        assertLogLine(Lab.Daemon.LETMEIND, "peer=" + Lab.OTHER_V4, "user=0BADBEEF", "reply=none");
        assertLogLine(Lab.Daemon.LETMEIND, "peer=[" + Lab.OTHER_V6 + "]", "user=0BADBEEF", "reply=none");
        CommandResult knock = ok(lab.letmein(Host.CLIENT, "knock", "-U", Lab.NAME_DUAL, "22"));
        assertThat(knock.stdout()).as("knock prints nothing on stdout").isEmpty();
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);
        assertShut(Host.OTHER, Lab.SSH_PORT);
    }
}
