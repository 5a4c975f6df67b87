package letmein.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code letmein connect}: knock, then relay stdin/stdout to HOST:PORT over a family whose knock
 * succeeded: {@code ProxyCommand letmein connect %h %p}. Diagnostics go to stderr only.
 */
@Command(name = "connect", sortOptions = false, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        customSynopsis = "letmein connect [-46TU] [-P PORT] [-r RESOURCE] [-u USER] HOST PORT",
        description = {"Knock, then relay stdin/stdout to HOST:PORT (for ssh: ProxyCommand letmein connect %%h %%p).",
            "Only relayed bytes are written to stdout; messages go to stderr."})
public final class ConnectCommand extends PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() throws ClientException {
        Actions a = actions();
        return a.connect(request(true, false));
    }
}
