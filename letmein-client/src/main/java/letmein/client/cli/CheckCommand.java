package letmein.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code letmein check}: the dual-stack audit. Connects to PORT over each family before the knock
 * (must be shut), knocks, connects again (must be open), revokes, and prints a per-family table.
 * Exit 0 only if every audited family behaved; 1 if the port was reachable without a knock, the
 * families disagree, or nothing could be audited.
 */
@Command(name = "check", sortOptions = false, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        customSynopsis = "letmein check [-46TU] [-P PORT] [-r RESOURCE] [-u USER] HOST PORT",
        description = {"Audit HOST:PORT over IPv6 and IPv4: shut before a knock, open after it, then revoke.",
            "Prints a table; exit 0 if every family behaved, 1 if the port is exposed without a knock,",
            "the families disagree, or the audit failed."})
public final class CheckCommand extends PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() throws ClientException {
        Actions a = actions();
        return a.check(request(true, false));
    }
}
