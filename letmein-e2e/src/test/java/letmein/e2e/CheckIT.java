package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import letmein.e2e.Lab.Host;

/**
 * Scenario 8: {@code letmein check} passes on the lab (both families shut before the knock, open
 * after it) and fails once the firewall has an IPv6-only hole - the classic dual-stack mistake.
 */
class CheckIT extends LabTestBase {

    @Test
    void scenario8_checkPassesOnTheLabAndFailsWithAnIpv6OnlyHole() {
        CommandResult pass = lab.letmein(Host.CLIENT, "check", Lab.NAME_DUAL, "22");
        assertThat(pass.exitCode()).as("check on the intact lab:%n%s", pass.describe()).isZero();
        assertThat(pass.output()).contains("IPv4").contains("IPv6");
        // check revokes what it opened
        assertShut(Host.CLIENT, Lab.SSH_PORT);

        // the admin's mistake: port 22 accepted for IPv6 by a rule outside letmein's chain (inserted at
        // the top of INPUT: the shipped ruleset ends INPUT with reject rules, so an appended rule
        // would never be reached)
        ok(lab.nft("insert", "rule", "inet", "filter", "INPUT", "meta", "nfproto", "ipv6", "tcp", "dport", "22", "accept"));
        assertReach(Host.CLIENT, Lab.SSH_PORT, false, true);

        CommandResult fail = lab.letmein(Host.CLIENT, "check", Lab.NAME_DUAL, "22");
        assertThat(fail.exitCode()).as("check with an IPv6-only hole:%n%s", fail.describe()).isNotZero();
        assertThat(fail.exitCode()).as("check with an IPv6-only hole:%n%s", fail.describe()).isNotEqualTo(2);
        assertThat(fail.output()).as(fail.describe()).contains("IPv6");
    }
}
