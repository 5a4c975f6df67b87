package letmein.client.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import letmein.client.net.PlanRunner;
import letmein.client.net.Relay;
import letmein.client.plan.KnockPlan;
import letmein.proto.net.Addresses;
import letmein.proto.wire.Operation;
import picocli.CommandLine.Command;

/**
 * {@code letmein connect}: knock, then relay stdin/stdout to HOST:PORT over a family whose knock
 * succeeded: {@code ProxyCommand letmein connect %%h %%p}. Diagnostics go to stderr only.
 */
@Command(name = "connect", sortOptions = false, mixinStandardHelpOptions = true, version = Cli.VERSION,
        description = {"Knock, then relay stdin/stdout to HOST:PORT (for ssh: ProxyCommand letmein connect %%h %%p).",
            "Only relayed bytes are written to stdout; messages go to stderr."})
public final class ConnectCommand extends PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() throws ClientException {
        KnockPlan plan = plan(true, false);
        int port = options.port;
        List<PlanRunner.Result> results = execute(plan, Operation.KNOCK);
        List<String> failures = new ArrayList<>();
        for (PlanRunner.Result r : results) {
            if (!r.ok()) {
                continue;
            }
            InetSocketAddress target = new InetSocketAddress(r.target().address(), port);
            String where = (r.target().family() == letmein.client.plan.Family.IPV6
                    ? "[" + Addresses.text(target.getAddress()) + "]" : Addresses.text(target.getAddress())) + ":" + port;
            SocketChannel ch;
            try {
                ch = SocketChannel.open();
            } catch (IOException e) {
                throw new ClientException("cannot create a socket: " + e.getMessage());
            }
            try {
                diag().progress("Connecting to " + where + ".");
                ch.socket().connect(target, (int) Math.max(1, plan.controlTimeout().toMillis()));
                ch.socket().setTcpNoDelay(true);
            } catch (SocketTimeoutException e) {
                close(ch);
                failures.add(where + ": no answer within " + plan.controlTimeout().toMillis() + " ms");
                continue;
            } catch (IOException e) {
                close(ch);
                failures.add(where + ": " + e.getMessage());
                continue;
            }
            try {
                Relay.run(ch, parent.env().stdin(), parent.env().stdout(), diag());
                return 0;
            } catch (IOException e) {
                throw new ClientException("the connection to " + where + " broke: " + e.getMessage());
            } finally {
                close(ch);
            }
        }
        throw new ClientException("the knock succeeded, but connecting to port " + port + " failed: "
                + String.join("; ", failures));
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more can be relayed either way
        }
    }
}
