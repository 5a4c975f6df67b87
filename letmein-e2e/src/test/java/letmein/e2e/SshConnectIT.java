package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import letmein.e2e.Lab.Host;

/**
 * Scenario 3: {@code ssh -o ProxyCommand='letmein connect %h %p'} logs into the real sshd and runs a
 * command, from a fresh lab (no earlier knock), for an IPv4-only, an IPv6-only and a dual-stack name.
 */
class SshConnectIT extends LabTestBase {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "server4.lab, 10.231.1.2, 10.231.1.1",
        "server6.lab, fd5e:1a8:1::2, fd5e:1a8:1::1",
        "server.lab, , "})
    void scenario3_sshThroughLetmeinConnect(String name, String expectedClient, String expectedServer) {
        assertShut(Host.CLIENT, Lab.SSH_PORT);
        CommandResult ssh = ok(lab.ssh(Host.CLIENT, name, Lab.SSH_PORT, true));
        assertThat(ssh.stdout()).as(ssh.describe()).contains(Lab.SSH_MARK);
        // $SSH_CONNECTION = client-address client-port server-address server-port
        String[] conn = ssh.stdout().substring(ssh.stdout().indexOf(Lab.SSH_MARK) + Lab.SSH_MARK.length()).strip().split("\\s+");
        assertThat(conn).as("SSH_CONNECTION in%n%s", ssh.describe()).hasSize(4);
        assertThat(conn[3]).isEqualTo("22");
        if (expectedClient != null) {
            assertThat(conn[0]).as("client address seen by sshd").isEqualTo(expectedClient);
            assertThat(conn[2]).as("server address used").isEqualTo(expectedServer);
        } else {
            assertThat(conn[0]).as("client address seen by sshd").isIn(Lab.CLIENT_V4, Lab.CLIENT_V6);
        }
        assertThat(lab.log(Lab.Daemon.SSHD)).contains("Accepted publickey for " + Lab.SSH_USER + " from " + conn[0]);
        // (had connect printed anything on stdout, the ssh protocol would have broken above)
        // the third host stays shut
        assertShut(Host.OTHER, Lab.SSH_PORT);
    }
}
