package letmein.client.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import letmein.client.plan.Family;
import letmein.client.plan.KnockPlan;
import letmein.proto.net.Addresses;
import letmein.proto.wire.Operation;

/**
 * The network half of {@code letmein connect}: knock one target after the other (IPv6 first for a name
 * with both) and open a TCP connection to the protected port over the first whose knock and connection
 * both work, so ssh never waits for a second knock it does not need. With {@code -4 -6} or a literal,
 * every knock must work as for {@code knock}. The bytes are then copied by {@link Relay}.
 */
public final class Connector {
    /** An open connection to the protected port, and how to name it in messages. */
    public record Connection(SocketChannel channel, String where, Family family) {
    }

    /** No connection could be made; the message names every failure, one per line. */
    public static final class ConnectFailedException extends Exception {
        public ConnectFailedException(String message) {
            super(message);
        }
    }

    private final PlanRunner runner;
    private final Progress progress;

    public Connector(PlanRunner runner, Progress progress) {
        this.runner = runner;
        this.progress = progress;
    }

    /** Knocks and connects to {@code port} as described above; warns about the families that failed first. */
    public Connection open(KnockPlan plan, int port) throws ConnectFailedException {
        List<String> failures = new ArrayList<>();
        for (KnockPlan.Target t : plan.targets()) {
            PlanRunner.Result knocked = runner.knock(plan, t, Operation.KNOCK);
            if (!knocked.ok()) {
                String line = "knock over " + t.family() + " failed: " + knocked.failure().get().getMessage();
                if (!plan.anySuffices()) {
                    throw new ConnectFailedException(line);
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
                throw new ConnectFailedException("cannot create a socket: " + e.getMessage());
            }
            try {
                progress.progress("Connecting to " + where + ".");
                ch.socket().connect(target, Replies.millis(plan.controlTimeout()));
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
                progress.warn(f + " (connected over " + t.family() + " instead)");
            }
            return new Connection(ch, where, t.family());
        }
        throw new ConnectFailedException(String.join("\n       ", failures));
    }

    /** Closes {@code ch}, ignoring errors: nothing more can be relayed either way. */
    public static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more can be relayed either way
        }
    }
}
