package letmein.client.check;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import letmein.client.net.KnockException;
import letmein.client.net.PlanRunner;
import letmein.client.net.Progress;
import letmein.client.plan.Family;
import letmein.client.plan.KnockPlan;
import letmein.client.plan.Transport;
import letmein.proto.wire.Operation;

/**
 * The dual-stack audit of {@code letmein check} (docs/client.md, "Dual-stack audit"): for every target
 * of the plan, probe the protected port (it must be shut), knock, probe again (it must be open), revoke;
 * every family's probes before any knock, so one family's knock cannot open the port for the other's
 * first probe. The rows go to {@link AuditReport}.
 */
public final class Audit {
    private final PlanRunner runner;
    private final Progress progress;

    public Audit(PlanRunner runner, Progress progress) {
        this.runner = runner;
        this.progress = progress;
    }

    /** Audits {@code port} over every target of {@code plan}; one row per family, families without an address included. */
    public List<FamilyAudit> run(KnockPlan plan, int port) {
        if (plan.transport() == Transport.UDP) {
            progress.progress("Control channel is UDP; the audited PORT is probed with TCP connects.");
        }
        Duration timeout = plan.controlTimeout();
        List<KnockPlan.Target> targets = plan.targets();
        List<PortProbe.Reach> before = new ArrayList<>();
        for (KnockPlan.Target t : targets) {
            before.add(PortProbe.probe(new InetSocketAddress(t.address(), port), timeout));
            progress.progress(t.family() + " before knock: " + before.get(before.size() - 1));
        }
        List<Optional<KnockException>> knocks = new ArrayList<>();
        for (KnockPlan.Target t : targets) {
            knocks.add(runner.knock(plan, t, Operation.KNOCK).failure());
        }
        List<Optional<PortProbe.Reach>> after = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            after.add(knocks.get(i).isEmpty()
                    ? Optional.of(PortProbe.probe(new InetSocketAddress(targets.get(i).address(), port), timeout))
                    : Optional.empty());
        }
        List<Optional<Optional<KnockException>>> revokes = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            revokes.add(knocks.get(i).isEmpty()
                    ? Optional.of(runner.knock(plan, targets.get(i), Operation.REVOKE).failure())
                    : Optional.empty());
        }
        List<FamilyAudit> rows = new ArrayList<>();
        for (Family f : Family.values()) {
            int i = indexOf(targets, f);
            if (i >= 0) {
                rows.add(new FamilyAudit(f, Optional.of(targets.get(i).address()), Optional.of(before.get(i)),
                        Optional.of(knocks.get(i)), after.get(i), revokes.get(i)));
            } else if (plan.skipped().contains(f)) {
                rows.add(FamilyAudit.noAddress(f));
            }
        }
        return rows;
    }

    private static int indexOf(List<KnockPlan.Target> targets, Family f) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).family() == f) {
                return i;
            }
        }
        return -1;
    }
}
