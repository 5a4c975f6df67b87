package letmein.client.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import letmein.client.Environment;
import letmein.client.check.Audit;
import letmein.client.check.AuditReport;
import letmein.client.check.FamilyAudit;
import letmein.client.net.PlanRunner;
import letmein.client.plan.Family;
import letmein.client.plan.KnockPlan;
import letmein.client.plan.KnockRequest;
import letmein.client.plan.PlanException;
import letmein.proto.auth.Messages;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.ConfigException;
import letmein.proto.wire.Operation;

/**
 * What the commands do, independent of how the command line was parsed (picocli, or the
 * {@link FastPath} that skips it on the knock path): load the config, plan, hand the plan to the
 * network ({@code letmein.client.net}) or the audit ({@code letmein.client.check}), and turn the
 * outcome into console output and an exit code.
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

    PlanRunner runner() {
        return new PlanRunner(new Messages(env.randomness()), env.ticker(), diag, env.retry());
    }

    Environment env() {
        return env;
    }

    Diagnostics diag() {
        return diag;
    }

    /** {@code knock} / {@code revoke}: exit 0 if the plan's success rule holds (warning about any family that failed). */
    int knock(KnockRequest request, Operation op) throws ClientException {
        KnockPlan plan = plan(request);
        List<PlanRunner.Result> results = runner().run(plan, op);
        String verb = op == Operation.KNOCK ? "knock" : "revoke";
        if (PlanRunner.succeeded(plan, results)) {
            for (PlanRunner.Result r : results) {
                if (r.failure().isPresent()) {
                    diag.warn(verb + " over " + r.target().family() + " failed (it worked over the other family): "
                            + r.failure().get().getMessage());
                }
            }
            return 0;
        }
        List<String> lines = new ArrayList<>();
        for (PlanRunner.Result r : results) {
            if (r.failure().isPresent()) {
                lines.add(verb + " over " + r.target().family() + " failed: " + r.failure().get().getMessage());
            }
        }
        throw new ClientException(String.join("\n       ", lines));
    }

    /** {@code connect}: see {@link ConnectAction}. */
    int connect(KnockRequest request) throws ClientException {
        return ConnectAction.run(this, plan(request), request.port().orElseThrow());
    }

    /** {@code check}: the dual-stack audit ({@link Audit}), its table on stdout, its verdict as the exit code. */
    int check(KnockRequest request) throws ClientException {
        KnockPlan plan = plan(request);
        int port = request.port().orElseThrow();
        List<FamilyAudit> rows = new Audit(runner(), diag).run(plan, port);
        env.stdout().print(AuditReport.render(plan.host(), port, rows));
        env.stdout().flush();
        return AuditReport.overall(rows).exitCode();
    }
}
