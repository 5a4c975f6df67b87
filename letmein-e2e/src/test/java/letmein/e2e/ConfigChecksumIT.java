package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import letmein.e2e.Lab.Daemon;
import letmein.e2e.Lab.Host;

/**
 * Scenario 9: the admin edits letmeind.conf and restarts only one daemon. Upstream refuses every knock
 * until both are restarted. Here (docs/PROTOCOL.md, "Live reload") a letmeind that runs a newer file
 * than letmeinfwd makes letmeinfwd read the file again and apply it if it holds exactly letmeind's bytes,
 * so restarting only letmeind works; a letmeind on an older file than a freshly started letmeinfwd is
 * still refused (the checksum in each IPC request), with a clear log line on both sides, until letmeind
 * is restarted or reloaded too.
 */
class ConfigChecksumIT extends LabTestBase {

    @Test
    void scenario9_onlyLetmeindRestartedAfterAnEdit() throws IOException {
        editConfig();
        lab.restart(Daemon.LETMEIND);
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "22"));
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);
        assertLogLine(Daemon.FWD, "reload: applied (letmeind sent checksum");
    }

    @Test
    void scenario9_onlyLetmeinfwdRestartedAfterAnEdit() throws IOException {
        editConfig();
        lab.restart(Daemon.FWD);
        assertRefusedWithLogs();
        lab.restart(Daemon.LETMEIND);
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "22"));
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);
    }

    /** A comment-only edit: same meaning, different bytes - still a different configuration. */
    private void editConfig() throws IOException {
        Files.writeString(lab.serverConfig(), "# edited by the admin\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private void assertRefusedWithLogs() {
        CommandResult knock = lab.letmein(Host.CLIENT, "knock", Lab.NAME_V4, "22");
        assertThat(knock.exitCode()).as("knock with mismatched daemons:%n%s", knock.describe()).isEqualTo(1);
        assertThat(knock.stderr().toLowerCase(Locale.ROOT)).as(knock.describe()).contains("rejected");
        assertShut(Host.CLIENT, Lab.SSH_PORT);
        // letmeinfwd knows why; letmeind only gets the NACK (the IPC reply carries no reason) and
        // says who refused, for which user and resource
        assertLogLine(Daemon.FWD, "checksum mismatch");
        assertLogLine(Daemon.LETMEIND, "firewall rejected", "user=00000001", "resource=00000022", "result=rejected");
    }
}
