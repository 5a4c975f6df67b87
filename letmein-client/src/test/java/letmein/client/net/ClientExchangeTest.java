package letmein.client.net;

import static letmein.proto.session.SessionFixtures.KEY;
import static letmein.proto.session.SessionFixtures.OTHER_KEY;
import static letmein.proto.session.SessionFixtures.PORT42;
import static letmein.proto.session.SessionFixtures.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.session.ClientExchange;
import letmein.proto.session.ClientExchange.Phase;
import letmein.proto.session.ClientExchange.Verdict;
import letmein.proto.session.FwdResult;
import letmein.proto.session.ReplyPolicy;
import letmein.proto.session.Session;
import letmein.proto.session.SessionFixtures;
import letmein.proto.session.Step;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import org.junit.jupiter.api.Test;

/**
 * The client side of the exchange ({@link ClientExchange}, which the TCP and UDP exchanges and the lab
 * load tool share) against the real server side ({@link Session}), message by message, no sockets.
 */
class ClientExchangeTest {
    private static final Messages MESSAGES = new Messages(new SecureRandomness());
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

    private static Session session(ErrorPolicy policy, boolean udp) {
        return new Session(SessionFixtures.config(policy), new ReplyPolicy(policy), MESSAGES, PEER,
                udp ? "UDP" : "TCP", udp);
    }

    private static Message sent(Step step) {
        assertThat(step).isInstanceOf(Step.Send.class);
        return ((Step.Send) step).reply();
    }

    @Test
    void aKnockCompletesAgainstTheRealSession() {
        for (Operation op : new Operation[] {Operation.KNOCK, Operation.REVOKE}) {
            Session server = session(ErrorPolicy.ALWAYS, false);
            ClientExchange client = new ClientExchange(MESSAGES, new ClientExchange.Request(op, KEY, USER, PORT42), false);
            ClientExchange.Attempt a = client.attempt();
            assertThat(a.expected()).isEqualTo(Operation.CHALLENGE);
            assertThat(a.lastSent()).isEqualTo(op);
            Message challenge = sent(server.onMessage(client.opening()));
            assertThat(a.onReply(challenge)).isEqualTo(Verdict.ACCEPTED);
            assertThat(a.phase()).isEqualTo(Phase.CHALLENGED);
            assertThat(client.namesRequestedIds(challenge)).isTrue();
            Step forward = server.onMessage(a.response());
            assertThat(a.expected()).isEqualTo(Operation.COMEIN);
            assertThat(a.lastSent()).isEqualTo(Operation.RESPONSE);
            assertThat(forward).isInstanceOf(Step.Forward.class);
            assertThat(((Step.Forward) forward).request())
                    .isInstanceOf(op == Operation.KNOCK ? FwdMessage.Install.class : FwdMessage.Revoke.class);
            Step end = server.onFwdResult(new FwdResult.Acked());
            Message comeIn = ((Step.End) end).reply().orElseThrow();
            assertThat(a.onReply(comeIn)).isEqualTo(Verdict.ACCEPTED);
            assertThat(a.phase()).isEqualTo(Phase.DONE);
            assertThat(((Step.End) end).decision().success()).isTrue();
        }
    }

    @Test
    void goAwayIsRejectedAndAnyOtherOperationUnexpected() {
        Session server = session(ErrorPolicy.ALWAYS, false);
        ClientExchange client = new ClientExchange(MESSAGES,
                new ClientExchange.Request(Operation.KNOCK, OTHER_KEY, USER, PORT42), false);
        ClientExchange.Attempt a = client.attempt();
        Message goAway = ((Step.End) server.onMessage(client.opening())).reply().orElseThrow();
        assertThat(a.onReply(goAway)).isEqualTo(Verdict.REJECTED);
        assertThat(a.phase()).isEqualTo(Phase.DONE);

        ClientExchange.Attempt b = client.attempt();
        assertThat(b.onReply(MESSAGES.comeIn(USER, PORT42))).isEqualTo(Verdict.UNEXPECTED);
        assertThat(b.phase()).isEqualTo(Phase.DONE);
        assertThatThrownBy(() -> b.onReply(MESSAGES.comeIn(USER, PORT42))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyAttemptSendsTheSameOpeningAndOnlyDatagramsTolerateARepeatedChallenge() {
        for (boolean udp : new boolean[] {true, false}) {
            Session server = session(ErrorPolicy.ALWAYS, udp);
            ClientExchange client = new ClientExchange(MESSAGES,
                    new ClientExchange.Request(Operation.KNOCK, KEY, USER, PORT42), udp);
            assertThat(client.opening()).isEqualTo(client.opening());
            ClientExchange.Attempt a = client.attempt();
            Message challenge = sent(server.onMessage(client.opening()));
            assertThat(a.onReply(challenge)).isEqualTo(Verdict.ACCEPTED);
            assertThat(a.onReply(challenge)).as("still challenged: a duplicate").isEqualTo(Verdict.REPEAT);
            if (udp) {
                // the server answers a retransmitted opening with the very same CHALLENGE
                assertThat(sent(server.onMessage(client.opening()))).isEqualTo(challenge);
            }
            a.response();
            assertThat(a.onReply(challenge)).isEqualTo(udp ? Verdict.REPEAT : Verdict.UNEXPECTED);
        }
    }

    @Test
    void aResponseNeedsAnAcceptedChallengeAndRepliesNamingOtherIdsAreFlagged() {
        ClientExchange client = new ClientExchange(MESSAGES,
                new ClientExchange.Request(Operation.KNOCK, KEY, USER, PORT42), false);
        ClientExchange.Attempt a = client.attempt();
        assertThatThrownBy(a::response).isInstanceOf(IllegalStateException.class);
        Message other = MESSAGES.challenge(SessionFixtures.OTHER_USER, PORT42);
        assertThat(a.onReply(other)).isEqualTo(Verdict.ACCEPTED);
        assertThat(client.namesRequestedIds(other)).isFalse();
        assertThat(a.response().user()).as("the RESPONSE carries our ids").isEqualTo(USER);
        assertThatThrownBy(() -> new ClientExchange.Request(Operation.RESPONSE, KEY, USER, PORT42))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
