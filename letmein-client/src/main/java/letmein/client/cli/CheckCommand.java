package letmein.client.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import letmein.client.check.AuditReport;
import letmein.client.check.FamilyAudit;
import letmein.client.net.KnockException;
import letmein.client.net.Knocker;
import letmein.client.net.PortProbe;
import letmein.client.plan.Family;
import letmein.client.plan.KnockPlan;
import letmein.client.plan.Transport;
import letmein.proto.wire.Operation;
import picocli.CommandLine.Command;

/**
 * {@code letmein check}: the dual-stack audit. Connects to PORT over each family before the knock
 * (must be shut), knocks, connects again (must be open), revokes, and prints a per-family table.
 * Exit 0 only if every audited family behaved; 1 if the port was reachable without a knock, the
 * families disagree, or nothing could be audited.
 */
@Command(name = "check", sortOptions = false, mixinStandardHelpOptions = true, version = Cli.VERSION,
        description = {"Audit HOST:PORT over IPv6 and IPv4: shut before a knock, open after it, then revoke.",
            "Prints a table; exit 0 if every family behaved, 1 if the port is exposed without a knock,",
            "the families disagree, or the audit failed."})
public final class CheckCommand extends PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() throws ClientException {
        KnockPlan plan = plan(true, false);
        int port = options.port;
        if (plan.transport() == Transport.UDP) {
            diag().progress("Control channel is UDP; the audited PORT is probed with TCP connects.");
        }
        Duration timeout = plan.controlTimeout();
        List<KnockPlan.Target> targets = plan.targets();
        List<PortProbe.Reach> before = new ArrayList<>();
        for (KnockPlan.Target t : targets) {
            before.add(PortProbe.probe(new InetSocketAddress(t.address(), port), timeout));
            diag().progress(t.family() + " before knock: " + before.get(before.size() - 1));
        }
        Knocker knocker = knocker();
        List<Optional<KnockException>> knocks = new ArrayList<>();
        for (KnockPlan.Target t : targets) {
            knocks.add(exchange(knocker, plan, t, Operation.KNOCK));
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
                    ? Optional.of(exchange(knocker, plan, targets.get(i), Operation.REVOKE)) : Optional.empty());
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
        parent.env().stdout().print(AuditReport.render(plan.host(), port, rows));
        parent.env().stdout().flush();
        return AuditReport.overall(rows).exitCode();
    }

    private static int indexOf(List<KnockPlan.Target> targets, Family f) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).family() == f) {
                return i;
            }
        }
        return -1;
    }

    private static Optional<KnockException> exchange(Knocker knocker, KnockPlan plan, KnockPlan.Target t,
            Operation op) {
        try {
            knocker.run(new InetSocketAddress(t.address(), plan.serverPort()), plan.transport(),
                    new Knocker.Exchange(op, plan.key(), plan.user(), plan.resource()), plan.controlTimeout());
            return Optional.empty();
        } catch (KnockException e) {
            return Optional.of(e);
        }
    }
}
