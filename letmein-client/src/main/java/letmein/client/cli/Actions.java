package letmein.client.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import letmein.client.Environment;
import letmein.client.check.AuditReport;
import letmein.client.check.FamilyAudit;
import letmein.client.net.Diagnostics;
import letmein.client.net.KnockException;
import letmein.client.net.Knocker;
import letmein.client.net.PlanRunner;
import letmein.client.net.PortProbe;
import letmein.client.net.Relay;
import letmein.client.plan.Family;
import letmein.client.plan.KnockPlan;
import letmein.client.plan.KnockRequest;
import letmein.client.plan.PlanException;
import letmein.client.plan.Transport;
import letmein.proto.auth.Messages;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.ConfigException;
import letmein.proto.net.Addresses;
import letmein.proto.wire.Operation;

/**
 * What the commands do, independent of how the command line was parsed (picocli, or the
 * {@link FastPath} that skips it on the knock path): plan, knock, relay, audit, report.
 */
final class Actions {
    private final Environment env;
    private final Path config;
    private final Diagnostics diag;

    /** {@code config} null means the default search path. */
    Actions(Environment env, Path config, boolean verbose) {
        this.env = env;
        this.config = config;
        this.diag = new Diagnostics(env.stderr(), verbose);
    }

    Diagnostics diag() {
        return diag;
    }

    Environment env() {
        return env;
    }

    Path configPath() {
        return config != null ? config : env.defaultConfig().get();
    }

    /** The client config; a missing file gives the defaults. */
    ClientConfig loadConfig() throws ClientException {
        Path p = configPath();
        try {
            ClientConfig c = env.configs().load(p);
            if (!c.exists()) {
                diag.progress("Config " + p + " does not exist; using defaults.");
            } else {
                for (String w : env.configs().permissionWarnings(p)) {
                    env.stderr().println(w); // upstream's advice, on every run as upstream does
                }
            }
            return c;
        } catch (ConfigException e) {
            throw new ClientException("invalid configuration: " + e.getMessage());
        }
    }

    KnockPlan plan(KnockRequest request) throws ClientException {
        ClientConfig cfg = loadConfig();
        KnockPlan plan;
        try {
            plan = KnockPlan.build(request, cfg, env.resolver());
        } catch (PlanException e) {
            throw new ClientException(e.getMessage());
        }
        if (!diag.verbose()) {
            return plan; // the lines below are only for --verbose; building them costs start-up time
        }
        for (Family f : plan.skipped()) {
            diag.progress("Host '" + plan.host() + "' has no " + f + " address ('" + f.dnsRecord()
                    + "' record); not knocking over " + f + ".");
        }
        diag.progress("Knocking as user " + plan.user() + " for resource " + plan.resource() + " over "
                + plan.transport() + " port " + plan.serverPort() + ".");
        return plan;
    }

    Knocker knocker() {
        return new Knocker(new Messages(env.randomness()), env.ticker(), diag, env.retry());
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
                if (r.failure().isPresent()) {
                    diag.warn(verb + " over " + r.target().family() + " failed (it worked over the other family): "
                            + r.failure().get().getMessage());
                }
            }
            return results;
        }
        List<String> lines = new ArrayList<>();
        for (PlanRunner.Result r : results) {
            if (r.failure().isPresent()) {
                lines.add(verb + " over " + r.target().family() + " failed: " + r.failure().get().getMessage());
            }
        }
        throw new ClientException(String.join("\n       ", lines));
    }

    /** {@code knock} / {@code revoke}. */
    int knock(KnockRequest request, Operation op) throws ClientException {
        execute(plan(request), op);
        return 0;
    }

    /**
     * {@code connect}: knock one target after the other (IPv6 first for a name with both) and relay over
     * the first whose knock and connection both work, so ssh never waits for a second knock it does
     * not need. With {@code -4 -6} or a literal, every knock must work as for {@code knock}.
     */
    int connect(KnockRequest request) throws ClientException {
        KnockPlan plan = plan(request);
        int port = request.port().orElseThrow();
        Knocker knocker = knocker();
        List<String> failures = new ArrayList<>();
        for (KnockPlan.Target t : plan.targets()) {
            Optional<KnockException> failed = exchange(knocker, plan, t, Operation.KNOCK);
            if (failed.isPresent()) {
                String line = "knock over " + t.family() + " failed: " + failed.get().getMessage();
                if (!plan.anySuffices()) {
                    throw new ClientException(line);
                }
                failures.add(line);
                continue;
            }
            InetSocketAddress target = new InetSocketAddress(t.address(), port);
            String host = Addresses.text(target.getAddress());
            String where = (t.family() == Family.IPV6 ? "[" + host + "]" : host) + ":" + port;
            SocketChannel ch;
            try {
                ch = SocketChannel.open();
            } catch (IOException e) {
                throw new ClientException("cannot create a socket: " + e.getMessage());
            }
            try {
                diag.progress("Connecting to " + where + ".");
                ch.socket().connect(target, (int) Math.max(1, Math.min(Integer.MAX_VALUE, plan.controlTimeout().toMillis())));
                ch.socket().setTcpNoDelay(true);
            } catch (SocketTimeoutException e) {
                close(ch);
                failures.add("connecting to " + where + " after a successful knock: no answer within "
                        + plan.controlTimeout().toMillis() + " ms");
                continue;
            } catch (IOException e) {
                close(ch);
                failures.add("connecting to " + where + " after a successful knock: " + e.getMessage());
                continue;
            }
            for (String f : failures) {
                diag.warn(f + " (connected over " + t.family() + " instead)");
            }
            try {
                Relay.run(ch, env.stdin(), env.stdout(), diag);
                return 0;
            } catch (IOException e) {
                throw new ClientException("the connection to " + where + " broke: " + e.getMessage());
            } finally {
                close(ch);
            }
        }
        throw new ClientException(String.join("\n       ", failures));
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more can be relayed either way
        }
    }

    /** {@code check}: the dual-stack audit (spec README §2.9). */
    int check(KnockRequest request) throws ClientException {
        KnockPlan plan = plan(request);
        int port = request.port().orElseThrow();
        if (plan.transport() == Transport.UDP) {
            diag.progress("Control channel is UDP; the audited PORT is probed with TCP connects.");
        }
        Duration timeout = plan.controlTimeout();
        List<KnockPlan.Target> targets = plan.targets();
        List<PortProbe.Reach> before = new ArrayList<>();
        for (KnockPlan.Target t : targets) {
            before.add(PortProbe.probe(new InetSocketAddress(t.address(), port), timeout));
            diag.progress(t.family() + " before knock: " + before.get(before.size() - 1));
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
        env.stdout().print(AuditReport.render(plan.host(), port, rows));
        env.stdout().flush();
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
