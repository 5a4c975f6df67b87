package letmein.proto.session;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import letmein.proto.auth.Authenticator;
import letmein.proto.auth.Messages;
import letmein.proto.config.ConfigChecksum;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import org.junit.jupiter.api.Test;

/** The pure state machine: check order, binding, challenge freshness, outputs. */
class SessionTest {
    private final Messages messages = MESSAGES;

    private Session session(ErrorPolicy p, boolean retransmit) throws Exception {
        return new Session(config(p), new ReplyPolicy(p), messages,
                new InetSocketAddress(InetAddress.getByName("::ffff:192.0.2.7"), 40000), "TCP", retransmit);
    }

    @Test
    void knockChallengeResponseForwardsCanonicalPeerAndChecksumThenComeIn() throws Exception {
        Session s = session(ErrorPolicy.BASIC_AUTH, false);
        Step st = s.onMessage(knock(KEY, USER, PORT42));
        assertThat(st).isInstanceOf(Step.Send.class);
        Message ch = ((Step.Send) st).reply();
        assertThat(ch.operation()).isEqualTo(Operation.CHALLENGE);
        assertThat(ch.user()).isEqualTo(USER);
        assertThat(ch.resource()).isEqualTo(PORT42);
        assertThat(s.phase()).isEqualTo(Session.Phase.AWAIT_RESPONSE);

        st = s.onMessage(response(KEY, ch));
        assertThat(st).isInstanceOf(Step.Forward.class);
        FwdMessage.Request req = ((Step.Forward) st).request();
        assertThat(req).isInstanceOf(FwdMessage.Install.class);
        assertThat(req.address()).isEqualTo(InetAddress.getByName("192.0.2.7"));
        assertThat(req.address().getAddress()).hasSize(4);
        assertThat(req.checksum()).isEqualTo(ConfigChecksum.of(CONFIG_BYTES));
        assertThat(req.user()).isEqualTo(USER);
        assertThat(req.resource()).isEqualTo(PORT42);

        st = s.onFwdResult(new FwdResult.Acked());
        Step.End end = (Step.End) st;
        assertThat(end.reply().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
        assertThat(end.decision().success()).isTrue();
        assertThat(end.decision().logLine()).startsWith("[192.0.2.7]: Resource 87654321 successfully knocked.")
                .contains("user=12345678").contains("op=KNOCK").contains("result=ok");
        assertThat(s.isDone()).isTrue();
    }

    @Test
    void revokeBecomesFwdRevoke() throws Exception {
        Session s = session(ErrorPolicy.BASIC_AUTH, false);
        Message ch = ((Step.Send) s.onMessage(revoke(KEY, USER, JUMP))).reply();
        Step st = s.onMessage(response(KEY, ch));
        assertThat(((Step.Forward) st).request()).isInstanceOf(FwdMessage.Revoke.class);
        assertThat(((Step.End) s.onFwdResult(new FwdResult.Acked())).decision().logLine())
                .contains("successfully revoked.");
    }

    @Test
    void everySessionDrawsAFreshChallenge() throws Exception {
        Message k = knock(KEY, USER, PORT42);
        byte[] a = ((Step.Send) session(ErrorPolicy.ALWAYS, false).onMessage(k)).reply().auth();
        byte[] b = ((Step.Send) session(ErrorPolicy.ALWAYS, false).onMessage(k)).reply().auth();
        assertThat(a).hasSize(Authenticator.CHALLENGE_SIZE);
        assertThat(Arrays.equals(a, b)).isFalse();
    }

    @Test
    void responseFromAnotherSessionIsRejected() throws Exception {
        Message k = knock(KEY, USER, PORT42);
        Session first = session(ErrorPolicy.BASIC_AUTH, false);
        Message oldResponse = response(KEY, ((Step.Send) first.onMessage(k)).reply());
        Session replay = session(ErrorPolicy.BASIC_AUTH, false);
        replay.onMessage(k);
        Step.End end = (Step.End) replay.onMessage(oldResponse);
        assertThat(end.decision().reason()).isEqualTo("Response: Authentication failed");
        assertThat(end.reply().orElseThrow().operation()).isEqualTo(Operation.GOAWAY);
    }

    @Test
    void wrongFirstOperationGoAwayCarriesUnknownIds() throws Exception {
        Session s = session(ErrorPolicy.ALWAYS, false);
        Step.End end = (Step.End) s.onMessage(messages.response(KEY, USER, PORT42, new byte[32]));
        Message g = end.reply().orElseThrow();
        assertThat(g.operation()).isEqualTo(Operation.GOAWAY);
        assertThat(g.user()).isEqualTo(Message.UNKNOWN_USER);
        assertThat(g.resource()).isEqualTo(Message.UNKNOWN_RESOURCE);
        assertThat(end.decision().user()).isEmpty();
    }

    @Test
    void checkOrderUnknownUserBeforeMacBeforeResource() throws Exception {
        // unknown user AND unknown resource: the user check comes first (NotAuth → silent under basic-auth)
        Step.End e1 = (Step.End) session(ErrorPolicy.BASIC_AUTH, false)
                .onMessage(knock(KEY, UNKNOWN_USER, UNKNOWN_RESOURCE));
        assertThat(e1.decision().reason()).isEqualTo("Unknown user");
        assertThat(e1.reply()).isEmpty();
        // known user, bad MAC, unknown resource: the MAC check comes before the resource
        Step.End e2 = (Step.End) session(ErrorPolicy.BASIC_AUTH, false)
                .onMessage(knock(OTHER_KEY, USER, UNKNOWN_RESOURCE));
        assertThat(e2.decision().reason()).isEqualTo("Knock: Authentication failed");
        assertThat(e2.reply()).isEmpty();
        // good MAC, unknown resource: BasicAuth → answered under basic-auth, with the session's ids
        Step.End e3 = (Step.End) session(ErrorPolicy.BASIC_AUTH, false)
                .onMessage(knock(KEY, USER, UNKNOWN_RESOURCE));
        assertThat(e3.decision().reason()).isEqualTo("Unknown resource");
        assertThat(e3.reply().orElseThrow().resource()).isEqualTo(UNKNOWN_RESOURCE);
        assertThat(e3.reply().orElseThrow().user()).isEqualTo(USER);
    }

    @Test
    void usersRestrictionAndControlPortGuard() throws Exception {
        Step.End notAllowed = (Step.End) session(ErrorPolicy.FULL_AUTH, false)
                .onMessage(knock(KEY, USER, RESTRICTED));
        assertThat(notAllowed.decision().reason()).contains("not allowed");
        assertThat(notAllowed.reply()).isEmpty();
        assertThat(session(ErrorPolicy.BASIC_AUTH, false).onMessage(knock(OTHER_KEY, OTHER_USER,
                RESTRICTED))).isInstanceOf(Step.Send.class);
        Step.End control = (Step.End) session(ErrorPolicy.BASIC_AUTH, false)
                .onMessage(knock(KEY, USER, CONTROL));
        assertThat(control.decision().reason()).startsWith("Incorrect configuration");
        assertThat(control.reply()).isPresent();
    }

    @Test
    void responseBoundToSessionIds() throws Exception {
        Session s = session(ErrorPolicy.BASIC_AUTH, false);
        Message ch = ((Step.Send) s.onMessage(knock(KEY, USER, PORT42))).reply();
        Step.End e = (Step.End) s.onMessage(messages.response(KEY, USER, JUMP, ch.auth()));
        assertThat(e.decision().reason()).startsWith("Response: resource mismatch");
        assertThat(e.reply().orElseThrow().resource()).isEqualTo(PORT42);

        Session s2 = session(ErrorPolicy.BASIC_AUTH, false);
        Message ch2 = ((Step.Send) s2.onMessage(knock(KEY, USER, PORT42))).reply();
        Step.End e2 = (Step.End) s2.onMessage(messages.response(OTHER_KEY, OTHER_USER, PORT42, ch2.auth()));
        assertThat(e2.decision().reason()).startsWith("Response: user mismatch");
    }

    @Test
    void fwdFailureIsAnsweredOnlyWherePolicyAllows() throws Exception {
        for (ErrorPolicy p : ErrorPolicy.values()) {
            Session s = session(p, false);
            Message ch = ((Step.Send) s.onMessage(knock(KEY, USER, PORT42))).reply();
            s.onMessage(response(KEY, ch));
            Step.End e = (Step.End) s.onFwdResult(new FwdResult.Failed("The firewall rejected the request"));
            assertThat(e.reply()).as(p.toString()).isPresent();
            assertThat(e.decision().reason()).isEqualTo("letmeinfwd firewall: The firewall rejected the request");
        }
    }

    @Test
    void retransmittedKnockGetsSameChallengeOnlyWhenEnabledAndByteIdentical() throws Exception {
        Message k = knock(KEY, USER, PORT42);
        Session udp = session(ErrorPolicy.BASIC_AUTH, true);
        Message c1 = ((Step.Send) udp.onMessage(k)).reply();
        Message c2 = ((Step.Send) udp.onMessage(k)).reply();
        assertThat(encode(c2)).isEqualTo(encode(c1));
        // a new KNOCK (fresh salt) is not a retransmission: wrong operation for this step
        Step.End e = (Step.End) udp.onMessage(knock(KEY, USER, PORT42));
        assertThat(e.decision().reason()).startsWith("Invalid reply message operation KNOCK");

        Session tcp = session(ErrorPolicy.BASIC_AUTH, false);
        tcp.onMessage(k);
        assertThat(tcp.onMessage(k)).isInstanceOf(Step.End.class);
    }

    @Test
    void silentEndsNeverReply() throws Exception {
        for (ErrorPolicy p : ErrorPolicy.values()) {
            assertThat(((Step.End) session(p, false).onUndecodable("Invalid magic")).reply()).isEmpty();
            assertThat(((Step.End) session(p, false).onTimeout()).reply()).isEmpty();
            assertThat(((Step.End) session(p, false).onDisconnect()).reply()).isEmpty();
        }
    }

    @Test
    void aConnectionClosedBeforeAnyMessageIsLoggedAsACloseNotAnError() throws Exception {
        String quiet = ((Step.End) session(ErrorPolicy.ALWAYS, false).onDisconnect()).decision().logLine();
        assertThat(quiet).startsWith("Client '192.0.2.7:40000/TCP' closed the connection without sending a message.")
                .contains("result=closed", "reply=none").doesNotContain("ERROR", "reason=");
        Session s = session(ErrorPolicy.ALWAYS, false);
        s.onMessage(knock(KEY, USER, PORT42));
        String midway = ((Step.End) s.onDisconnect()).decision().logLine();
        assertThat(midway).contains("ERROR: Disconnected.", "result=rejected", "user=12345678");
    }

    @Test
    void logLinesNeverContainKeyMaterial() throws Exception {
        Session s = session(ErrorPolicy.ALWAYS, false);
        Message ch = ((Step.Send) s.onMessage(knock(KEY, USER, PORT42))).reply();
        Step.End e = (Step.End) s.onMessage(response(OTHER_KEY, ch));
        String line = e.decision().logLine();
        assertThat(line.toUpperCase()).doesNotContain(KEY.toHex().toUpperCase().substring(0, 16));
        assertThat(line).contains("peer=192.0.2.7:40000/TCP", "user=12345678", "resource=87654321", "op=KNOCK",
                "result=rejected", "reply=GOAWAY");
    }

    @Test
    void eventsOutOfPhaseAreProgrammingErrors() throws Exception {
        Session s = session(ErrorPolicy.ALWAYS, false);
        assertThatThrownBy(() -> s.onFwdResult(new FwdResult.Acked())).isInstanceOf(IllegalStateException.class);
        s.onTimeout();
        assertThatThrownBy(() -> s.onMessage(knock(KEY, USER, PORT42)))
                .isInstanceOf(IllegalStateException.class);
    }

    private static byte[] encode(Message m) {
        return letmein.proto.wire.FrameCodec.encode(m);
    }

}
