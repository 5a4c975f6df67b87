package letmein.client.cli;

import java.io.IOException;
import letmein.client.net.Connector;
import letmein.client.net.Relay;
import letmein.client.plan.KnockPlan;

/**
 * {@code connect} for {@link Actions}: knock and connect ({@link Connector}), then relay stdin/stdout
 * ({@link Relay}) until the server closes. A class of its own so that the knock path never loads
 * {@link Connector.ConnectFailedException}: a catch clause in {@link Actions} would have the JVM load it
 * on every start, when it verifies that class.
 */
final class ConnectAction {
    private ConnectAction() {
    }

    static int run(Actions actions, KnockPlan plan, int port) throws ClientException {
        Connector.Connection c;
        try {
            c = new Connector(actions.runner(), actions.diag()).open(plan, port);
        } catch (Connector.ConnectFailedException e) {
            throw new ClientException(e.getMessage());
        }
        try {
            Relay.run(c.channel(), actions.env().stdin(), actions.env().stdout(), actions.diag());
            return 0;
        } catch (IOException e) {
            throw new ClientException("the connection to " + c.where() + " broke: " + e.getMessage());
        } finally {
            Connector.close(c.channel());
        }
    }
}
