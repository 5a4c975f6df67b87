package letmein.client.cli;

import java.util.concurrent.Callable;
import letmein.proto.wire.Operation;
import picocli.CommandLine.Command;

/** {@code letmein knock}: ask the server to open a port (or jump) for this host. */
@Command(name = "knock", sortOptions = false, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Knock: ask the server to open PORT (or --resource) for this host.")
public final class KnockCommand extends PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() throws ClientException {
        Actions a = actions();
        return a.knock(request(false, true), Operation.KNOCK);
    }
}
