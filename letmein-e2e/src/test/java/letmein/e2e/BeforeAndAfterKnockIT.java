package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import letmein.e2e.Lab.Host;

/** Scenarios 1 and 2: nothing is reachable before a knock; a knock by name opens both families for the knocker only. */
class BeforeAndAfterKnockIT extends LabTestBase {

    @Test
    void scenario1_beforeAnyKnockSshFailsOverIpv4AndIpv6() {
        // The lab is up: the control port answers (lab.sh checked it), sshd listens - and port 22 is shut.
        assertShut(Host.CLIENT, Lab.SSH_PORT);
        for (String target : new String[] {Lab.NAME_V4, Lab.NAME_V6}) {
            CommandResult ssh = lab.ssh(Host.CLIENT, target, Lab.SSH_PORT, false);
            assertThat(ssh.exitCode()).as("ssh to %s before any knock:%n%s", target, ssh.describe()).isNotZero();
            assertThat(ssh.stdout()).doesNotContain(Lab.SSH_MARK);
        }
        assertThat(lab.log(Lab.Daemon.SSHD)).as("sshd log").doesNotContain("Accepted publickey");
        // sanity: sshd itself is up (reachable inside the server), so the refusal is the firewall's
        assertThat(lab.tcpOpen(Host.SERVER, Lab.SERVER_V4, Lab.SSH_PORT)).as("sshd reachable inside the server").isTrue();
        assertThat(lab.tcpOpen(Host.SERVER, Lab.SERVER_V6, Lab.SSH_PORT)).as("sshd reachable inside the server (IPv6)").isTrue();
    }

    @Test
    void scenario2_knockByNameOpensBothFamiliesForTheClientOnly() {
        assertShut(Host.CLIENT, Lab.SSH_PORT);
        assertShut(Host.OTHER, Lab.SSH_PORT);
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "22"));
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);
        assertShut(Host.OTHER, Lab.SSH_PORT);
        String ruleset = lab.ruleset();
        assertThat(ruleset).as("leases for the client's two addresses, none for other's")
                .contains(Lab.CLIENT_V4).contains(Lab.CLIENT_V6)
                .doesNotContain(Lab.OTHER_V4).doesNotContain(Lab.OTHER_V6);
        // only the knocked port: the short-lease port stays shut for the client too
        assertShut(Host.CLIENT, Lab.SHORT_LEASE_PORT);
        // and a real login works over both families
        for (String target : new String[] {Lab.NAME_V4, Lab.NAME_V6}) {
            CommandResult ssh = ok(lab.ssh(Host.CLIENT, target, Lab.SSH_PORT, false));
            assertThat(ssh.stdout()).contains(Lab.SSH_MARK);
        }
        CommandResult other = lab.ssh(Host.OTHER, Lab.NAME_DUAL, Lab.SSH_PORT, false);
        assertThat(other.exitCode()).as("ssh from other:%n%s", other.describe()).isNotZero();
    }
}
