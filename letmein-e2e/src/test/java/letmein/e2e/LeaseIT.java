package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import letmein.e2e.Lab.Daemon;
import letmein.e2e.Lab.Host;

/**
 * Scenario 4: a revoke closes the port; a 3 s lease closes by itself; and it still closes on time
 * after both daemons were killed with SIGKILL (the lease is a kernel-side set element with a timeout).
 */
class LeaseIT extends LabTestBase {
    /** Slack for polling (1.5 s probes) and a loaded 2-core machine; leases must not outlive it. */
    private static final Duration SLACK = Duration.ofSeconds(4);

    @Test
    void scenario4_revokeCloses() {
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "22"));
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);
        ok(lab.letmein(Host.CLIENT, "revoke", Lab.NAME_DUAL, "22"));
        assertShut(Host.CLIENT, Lab.SSH_PORT);
        // revoking what is not open is fine (idempotent) and changes nothing
        ok(lab.letmein(Host.CLIENT, "revoke", Lab.NAME_DUAL, "22"));
        assertShut(Host.CLIENT, Lab.SSH_PORT);
    }

    @Test
    void scenario4_shortLeaseClosesByItself() {
        Instant before = Instant.now();
        Instant knocked = knockShortLease();
        assertClosesOnTime(before, knocked);
    }

    @Test
    void scenario4_shortLeaseClosesOnTimeAfterKill9OfBothDaemons() {
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_V4, "22"));
        Instant before = Instant.now();
        Instant knocked = knockShortLease();
        lab.kill9(Daemon.LETMEIND);
        lab.kill9(Daemon.FWD);
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SSH_PORT))
                .as("the 600 s lease on port 22 survives SIGKILL of both daemons").isTrue();
        assertClosesOnTime(before, knocked);
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.CONTROL_PORT))
                .as("nothing answers on the control port with both daemons dead").isFalse();
        // and both start again over what the killed instances left in the kernel
        lab.start(Daemon.FWD);
        lab.start(Daemon.LETMEIND);
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_V6, Integer.toString(Lab.SHORT_LEASE_PORT)));
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V6, Lab.SHORT_LEASE_PORT)).as("knock after the restart").isTrue();
    }

    private Instant knockShortLease() {
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, Integer.toString(Lab.SHORT_LEASE_PORT)));
        Instant knocked = Instant.now();
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SHORT_LEASE_PORT)).as("open right after the knock (IPv4)").isTrue();
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V6, Lab.SHORT_LEASE_PORT)).as("open right after the knock (IPv6)").isTrue();
        return knocked;
    }

    /**
     * The lease was created after {@code before} (so it cannot close before {@code before} + 3 s) and
     * before {@code knocked} (so it must be closed by {@code knocked} + 3 s + slack).
     */
    private void assertClosesOnTime(Instant before, Instant knocked) {
        Duration limit = Duration.ofSeconds(Lab.SHORT_LEASE_SECONDS).plus(SLACK);
        boolean closed = Lab.eventually(limit.minus(Duration.between(knocked, Instant.now())),
                () -> !lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SHORT_LEASE_PORT)
                        && !lab.tcpOpen(Host.CLIENT, Lab.SERVER_V6, Lab.SHORT_LEASE_PORT));
        Instant closedAt = Instant.now();
        assertThat(closed).as("the %d s lease closed within %s of the knock (took %s); ruleset:%n%s",
                Lab.SHORT_LEASE_SECONDS, limit, Duration.between(knocked, closedAt), lab.ruleset()).isTrue();
        assertThat(Duration.between(before, closedAt)).as("the lease must not close before its time")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(Lab.SHORT_LEASE_SECONDS).minusMillis(100));
        assertShut(Host.CLIENT, Lab.SHORT_LEASE_PORT);
    }
}
