package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import letmein.e2e.Lab.Daemon;
import letmein.e2e.Lab.Host;

/**
 * Scenario 7: unknown user, wrong key, user not allowed for the resource, unknown port - no access,
 * the right exit code and a message that says what happened. All in one lab: each refusal must leave
 * it exactly as shut as before, with both daemons still serving.
 */
class RefusalIT extends LabTestBase {

    @Test
    void scenario7_refusedKnocksOpenNothingAndExplainThemselves() {
        // unknown user: stealth policy -> silence -> the client explains the timeout
        Path unknownUser = clientConfig("unknown-user.conf", "00000099", randomKey(), "00000022 = port: 22");
        expectFailure(lab.letmein(Host.CLIENT, unknownUser, "knock", Lab.NAME_V4, "22"), 1, "no answer");

        // wrong key for a known user: silence as well
        Path wrongKey = clientConfig("wrong-key.conf", "00000001", randomKey(), "00000022 = port: 22");
        expectFailure(lab.letmein(Host.CLIENT, wrongKey, "knock", Lab.NAME_V6, "22"), 1, "no answer");

        // user 2 is genuine but not allowed to open resource 00000022: authenticated, so told "rejected"
        Path user2 = clientConfig("user2.conf", "00000002", lab.keys().get("KEY2"),
                "00000022 = port: 22\n00002200 = port: 2200");
        expectFailure(lab.letmein(Host.CLIENT, user2, "knock", Lab.NAME_DUAL, "22"), 1, "rejected");

        // a port the client configuration does not map to a resource: refused before any packet
        expectFailure(lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "2323"), 1, "not mapped");

        // a resource the server does not have: authenticated, so told "rejected"
        Path unknownResource = clientConfig("unknown-resource.conf", "00000001", lab.keys().get("KEY1"),
                "00009999 = port: 9999");
        expectFailure(lab.letmein(Host.CLIENT, unknownResource, "knock", Lab.NAME_V4, "9999"), 1, "rejected");

        // a malformed command line is a usage error
        expectFailure(lab.letmein(Host.CLIENT, "knock", "--no-such-option", Lab.NAME_V4, "22"), 2, "");

        assertShut(Host.CLIENT, Lab.SSH_PORT);
        assertShut(Host.CLIENT, 9999);
        assertShut(Host.OTHER, Lab.SSH_PORT);

        // both daemons survived all of it and still serve the genuine user
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "22"));
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);
        // and user 2 may open what it is allowed to
        ok(lab.letmein(Host.CLIENT, user2, "knock", Lab.NAME_V4, "2200"));
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SHORT_LEASE_PORT)).isTrue();
        // one log line per refusal, saying what was wrong; the stealth cases got no reply at all
        assertLogLine(Daemon.LETMEIND, "Unknown user", "user=00000099", "result=rejected", "reply=none");
        assertLogLine(Daemon.LETMEIND, "Authentication failed", "user=00000001", "result=rejected", "reply=none");
        assertLogLine(Daemon.LETMEIND, "not allowed", "user=00000002", "resource=00000022", "reply=GOAWAY");
        assertLogLine(Daemon.LETMEIND, "Unknown resource", "resource=00009999", "reply=GOAWAY");
    }

    private void expectFailure(CommandResult r, int exit, String message) {
        assertThat(r.exitCode()).as("exit status of%n%s", r.describe()).isEqualTo(exit);
        assertThat(r.stderr().toLowerCase(Locale.ROOT)).as("message of%n%s", r.describe()).contains(message);
        assertThat(r.stderr()).as("no stack trace for an expected failure:%n%s", r.describe()).doesNotContain("\tat ");
    }

    private Path clientConfig(String name, String user, String key, String resources) {
        return lab.writeFile("client/" + name, "[GENERAL]\nport = 5800 / tcp, udp\ncontrol-timeout = 2.0\n\n"
                + "[CLIENT]\ndefault-user = " + user + "\n\n[KEYS]\n" + user + " = " + key + "\n\n"
                + "[RESOURCES]\n" + resources + "\n");
    }

    private static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return HexFormat.of().withUpperCase().formatHex(k);
    }
}
