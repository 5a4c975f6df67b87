package letmein.client.net;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import letmein.client.plan.KnockPlan;
import letmein.client.plan.Transport;
import letmein.proto.auth.Messages;
import letmein.proto.session.ClientExchange;
import letmein.proto.wire.Operation;

/**
 * The one way the client runs knocks: a {@link KnockPlan} carried out target by target over the plan's
 * transport ({@link TcpExchange} or {@link UdpExchange}), one independent exchange per target. In
 * "try both" mode every target is knocked (so ssh works over either family afterwards); otherwise the
 * first failure stops the sequence, as upstream does for {@code -4 -6}. {@code connect} and
 * {@code check} knock single targets through {@link #knock}. Not thread-safe.
 */
public final class PlanRunner {
    /** What happened for one target; {@code failure} is empty on success. */
    public record Result(KnockPlan.Target target, Optional<KnockException> failure) {
        public boolean ok() {
            return failure.isEmpty();
        }
    }

    private final Messages messages;
    private final Ticker ticker;
    private final Progress progress;
    private final RetryPolicy retry;
    private TcpExchange tcp;
    private UdpExchange udp;

    /** The parts of both exchanges; each is built on first use, so a knock loads only its transport's class. */
    public PlanRunner(Messages messages, Ticker ticker, Progress progress, RetryPolicy retry) {
        this.messages = messages;
        this.ticker = ticker;
        this.progress = progress;
        this.retry = retry;
    }

    /** Every target of {@code plan}, in order, as the plan's success rule asks. */
    public List<Result> run(KnockPlan plan, Operation op) {
        List<Result> results = new ArrayList<>();
        for (KnockPlan.Target t : plan.targets()) {
            Result r = knock(plan, t, op);
            results.add(r);
            if (!r.ok() && !plan.anySuffices()) {
                break;
            }
        }
        return results;
    }

    /** One exchange ({@code op}: KNOCK or REVOKE) with one target of {@code plan}. */
    public Result knock(KnockPlan plan, KnockPlan.Target target, Operation op) {
        ClientExchange.Request request = new ClientExchange.Request(op, plan.key(), plan.user(), plan.resource());
        InetSocketAddress server = new InetSocketAddress(target.address(), plan.serverPort());
        try {
            if (plan.transport() == Transport.TCP) {
                if (tcp == null) {
                    tcp = new TcpExchange(messages, progress);
                }
                tcp.run(server, request, plan.controlTimeout());
            } else {
                if (udp == null) {
                    udp = new UdpExchange(messages, ticker, progress, retry);
                }
                udp.run(server, request, plan.controlTimeout());
            }
            return new Result(target, Optional.empty());
        } catch (KnockException e) {
            return new Result(target, Optional.of(e));
        }
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
