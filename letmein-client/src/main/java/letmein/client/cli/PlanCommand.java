package letmein.client.cli;

import java.util.ArrayList;
import java.util.List;
import letmein.client.net.Diagnostics;
import letmein.client.net.Knocker;
import letmein.client.net.PlanRunner;
import letmein.client.plan.Family;
import letmein.client.plan.KnockPlan;
import letmein.client.plan.PlanException;
import letmein.proto.auth.Messages;
import letmein.proto.config.ClientConfig;
import letmein.proto.wire.Operation;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** What the knocking commands share: the options mixin, planning, running and reporting a knock. */
abstract class PlanCommand {
    @ParentCommand
    LetmeinCommand parent;

    @Mixin
    KnockOptions options;

    Diagnostics diag() {
        return parent.diagnostics();
    }

    KnockPlan plan(boolean portRequired, boolean resourceConflictsWithPort) throws ClientException {
        parent.prepare();
        var request = options.request(portRequired, resourceConflictsWithPort);
        ClientConfig config = parent.loadConfig();
        KnockPlan plan;
        try {
            plan = KnockPlan.build(request, config, parent.env().resolver());
        } catch (PlanException e) {
            throw new ClientException(e.getMessage());
        }
        for (Family f : plan.skipped()) {
            diag().progress("Host '" + plan.host() + "' has no " + f + " address ('" + f.dnsRecord()
                    + "' record); not knocking over " + f + ".");
        }
        diag().progress("Knocking as user " + plan.user() + " for resource " + plan.resource() + " over "
                + plan.transport() + " port " + plan.serverPort() + ".");
        return plan;
    }

    Knocker knocker() {
        return new Knocker(new Messages(parent.env().randomness()), parent.env().ticker(), diag(),
                parent.env().retry());
    }

    /**
     * Runs {@code plan}; returns the per-target results if the plan's success rule holds (warning about
     * any family that failed), else throws with every failure named.
     */
    List<PlanRunner.Result> execute(KnockPlan plan, Operation op) throws ClientException {
        List<PlanRunner.Result> results = new PlanRunner(knocker()).run(plan, op);
        String verb = op == Operation.KNOCK ? "knock" : "revoke";
        if (PlanRunner.succeeded(plan, results)) {
            for (PlanRunner.Result r : results) {
                r.failure().ifPresent(e -> diag().warn(verb + " over " + r.target().family() + " failed (it worked over"
                        + " the other family): " + e.getMessage()));
            }
            return results;
        }
        List<String> lines = new ArrayList<>();
        for (PlanRunner.Result r : results) {
            r.failure().ifPresent(e -> lines.add(verb + " over " + r.target().family() + " failed: " + e.getMessage()));
        }
        if (lines.size() == 1) {
            throw new ClientException(lines.get(0));
        }
        throw new ClientException(String.join("\n       ", lines));
    }
}
