package letmein.client.cli;

import java.util.concurrent.Callable;
import letmein.proto.wire.Operation;
import picocli.CommandLine.Command;

/** {@code letmein revoke}: ask the server to close again what a knock opened. */
@Command(name = "revoke", sortOptions = false, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Revoke: ask the server to close PORT (or --resource) again for this host.")
public final class RevokeCommand extends PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() throws ClientException {
        Actions a = actions();
        return a.knock(request(false, true), Operation.REVOKE);
    }
}
