package letmein.client.net;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import letmein.client.plan.KnockPlan;
import letmein.proto.wire.Operation;

/**
 * Carries out a {@link KnockPlan}: one independent exchange per target, in order. In "try both" mode
 * every target is knocked (so ssh works over either family afterwards); otherwise the first failure
 * stops the sequence, as upstream does for {@code -4 -6}.
 */
public final class PlanRunner {
    /** What happened for one target; {@code failure} is empty on success. */
    public record Result(KnockPlan.Target target, Optional<KnockException> failure) {
        public boolean ok() {
            return failure.isEmpty();
        }
    }

    private final Knocker knocker;

    public PlanRunner(Knocker knocker) {
        this.knocker = knocker;
    }

    public List<Result> run(KnockPlan plan, Operation op) {
        Knocker.Exchange ex = new Knocker.Exchange(op, plan.key(), plan.user(), plan.resource());
        List<Result> results = new ArrayList<>();
        for (KnockPlan.Target t : plan.targets()) {
            try {
                knocker.run(new InetSocketAddress(t.address(), plan.serverPort()), plan.transport(), ex,
                        plan.controlTimeout());
                results.add(new Result(t, Optional.empty()));
            } catch (KnockException e) {
                results.add(new Result(t, Optional.of(e)));
                if (!plan.anySuffices()) {
                    break;
                }
            }
        }
        return results;
    }

    /** True if the plan's success rule is met by {@code results}. */
    public static boolean succeeded(KnockPlan plan, List<Result> results) {
        // plain loops, no streams: this runs once per process and streams cost start-up time
        int ok = 0;
        for (Result r : results) {
            if (r.ok()) {
                ok++;
            }
        }
        if (plan.anySuffices()) {
            return ok > 0;
        }
        return results.size() == plan.targets().size() && ok == results.size();
    }
}
