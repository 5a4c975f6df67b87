package letmein.client.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import letmein.client.check.AuditReport.Overall;
import letmein.client.check.FamilyAudit.Verdict;
import letmein.client.check.PortProbe.Reach;
import letmein.client.net.KnockException;
import letmein.client.plan.Family;
import letmein.client.plan.HostLiteral;
import org.junit.jupiter.api.Test;

/** The audit's verdicts and the overall result that decides the exit code. */
class AuditReportTest {
    private static final InetAddress V4 = HostLiteral.parse("192.0.2.1").orElseThrow();
    private static final InetAddress V6 = HostLiteral.parse("2001:db8::1").orElseThrow();
    private static final Optional<Optional<KnockException>> OK = Optional.of(Optional.empty());

    private static FamilyAudit row(Family f, Reach before, boolean knockOk, Reach after) {
        InetAddress a = f == Family.IPV4 ? V4 : V6;
        Optional<Optional<KnockException>> knock = knockOk ? OK
                : Optional.of(Optional.of(new KnockException(KnockException.Kind.NO_ANSWER, KnockException.STEALTH_HINT)));
        return new FamilyAudit(f, Optional.of(a), Optional.of(before), knock,
                knockOk ? Optional.of(after) : Optional.empty(), knockOk ? OK : Optional.empty());
    }

    @Test
    void bothGuardedIsOk() {
        var rows = List.of(row(Family.IPV6, Reach.SILENT, true, Reach.OPEN), row(Family.IPV4, Reach.REFUSED, true, Reach.OPEN));
        assertThat(AuditReport.overall(rows)).isEqualTo(Overall.OK);
        assertThat(Overall.OK.exitCode()).isZero();
        assertThat(AuditReport.render("h", 22, rows)).contains("check h port 22: OK");
    }

    @Test
    void openBeforeKnockIsExposedEvenIfTheOtherFamilyIsFine() {
        var rows = List.of(row(Family.IPV6, Reach.OPEN, true, Reach.OPEN), row(Family.IPV4, Reach.REFUSED, true, Reach.OPEN));
        assertThat(rows.get(0).verdict()).isEqualTo(Verdict.EXPOSED);
        assertThat(AuditReport.overall(rows)).isEqualTo(Overall.EXPOSED);
        assertThat(Overall.EXPOSED.exitCode()).isEqualTo(1);
        String text = AuditReport.render("h", 22, rows);
        assertThat(text).contains("reachable WITHOUT a knock over IPv6").contains("EXPOSED");
    }

    @Test
    void familiesDisagreeAfterKnock() {
        var rows = List.of(row(Family.IPV6, Reach.SILENT, true, Reach.SILENT), row(Family.IPV4, Reach.SILENT, true, Reach.OPEN));
        assertThat(rows.get(0).verdict()).isEqualTo(Verdict.STILL_CLOSED);
        assertThat(AuditReport.overall(rows)).isEqualTo(Overall.INCONSISTENT);
        assertThat(AuditReport.render("h", 22, rows)).contains("disagree: OK over IPv4, not over IPv6");
    }

    @Test
    void knockFailureOnOneFamilyIsInconsistentOnAllIsFailed() {
        var one = List.of(row(Family.IPV6, Reach.SILENT, false, null), row(Family.IPV4, Reach.SILENT, true, Reach.OPEN));
        assertThat(AuditReport.overall(one)).isEqualTo(Overall.INCONSISTENT);
        assertThat(AuditReport.render("h", 22, one)).contains("IPv6 knock: " + KnockException.STEALTH_HINT);
        var all = List.of(row(Family.IPV4, Reach.SILENT, false, null));
        assertThat(AuditReport.overall(all)).isEqualTo(Overall.FAILED);
        assertThat(AuditReport.render("h", 22, all)).contains("FAILED - no family passed (IPv4 KNOCK FAILED)");
    }

    @Test
    void aMissingFamilyIsNotAFinding() {
        var rows = List.of(FamilyAudit.noAddress(Family.IPV6), row(Family.IPV4, Reach.SILENT, true, Reach.OPEN));
        assertThat(AuditReport.overall(rows)).isEqualTo(Overall.OK);
        assertThat(AuditReport.overall(List.of(FamilyAudit.noAddress(Family.IPV6)))).isEqualTo(Overall.FAILED);
    }
}
