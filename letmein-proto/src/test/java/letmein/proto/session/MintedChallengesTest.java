package letmein.proto.session;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import org.junit.jupiter.api.Test;

/** Computed UDP challenges: valid for the peer, the request and two slots only; replays refused once used. */
class MintedChallengesTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final MintedChallenges minted = new MintedChallenges(new byte[32], Duration.ofSeconds(5), now::get);

    private Session udpSession(InetSocketAddress peer) {
        return new Session(config(ErrorPolicy.BASIC_AUTH), new ReplyPolicy(ErrorPolicy.BASIC_AUTH), MESSAGES, peer,
                "UDP", true, minted);
    }

    private static InetSocketAddress peer(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void aResponseVerifiesWithoutTheSessionThatSentTheChallenge() throws Exception {
        InetSocketAddress p = peer("192.0.2.7", 40000);
        Message challenge = ((Step.Send) udpSession(p).onMessage(knock(KEY, USER, PORT42))).reply();
        Message response = response(KEY, challenge);
        MintedChallenges.Match m = minted.verify(KEY, response, p.getAddress(), p.getPort()).orElseThrow();
        assertThat(m.opening()).isEqualTo(Operation.KNOCK);
        Session resumed = Session.resumed(config(ErrorPolicy.BASIC_AUTH), new ReplyPolicy(ErrorPolicy.BASIC_AUTH),
                MESSAGES, p, "UDP", m, response, KEY);
        Step st = resumed.onMessage(response);
        assertThat(st).isInstanceOf(Step.Forward.class);
        assertThat(((Step.Forward) st).request()).isInstanceOf(FwdMessage.Install.class);
    }

    @Test
    void aRevokeIsFoundAsRevoke() throws Exception {
        InetSocketAddress p = peer("2001:db8::7", 40000);
        Message challenge = ((Step.Send) udpSession(p).onMessage(revoke(KEY, USER, JUMP))).reply();
        assertThat(minted.verify(KEY, response(KEY, challenge), p.getAddress(), p.getPort()).orElseThrow().opening())
                .isEqualTo(Operation.REVOKE);
    }

    @Test
    void theSameRequestGetsTheSameNonceWithinASlot() throws Exception {
        InetSocketAddress p = peer("192.0.2.7", 40000);
        Message a = ((Step.Send) udpSession(p).onMessage(knock(KEY, USER, PORT42))).reply();
        Message b = ((Step.Send) udpSession(p).onMessage(knock(KEY, USER, PORT42))).reply();
        assertThat(b.auth()).isEqualTo(a.auth());
    }

    @Test
    void anotherAddressPortUserOrKeyDoesNotVerify() throws Exception {
        InetSocketAddress p = peer("192.0.2.7", 40000);
        Message challenge = ((Step.Send) udpSession(p).onMessage(knock(KEY, USER, PORT42))).reply();
        Message response = response(KEY, challenge);
        assertThat(minted.verify(KEY, response, InetAddress.getByName("192.0.2.8"), 40000)).isEmpty();
        assertThat(minted.verify(KEY, response, p.getAddress(), 40001)).isEmpty();
        assertThat(minted.verify(OTHER_KEY, response, p.getAddress(), 40000)).isEmpty();
        Message forged = MESSAGES.response(KEY, USER, JUMP, challenge.auth());
        assertThat(minted.verify(KEY, forged, p.getAddress(), 40000)).as("nonce bound to the resource").isEmpty();
        MintedChallenges otherProcess = new MintedChallenges(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
            15, 16}, Duration.ofSeconds(5), now::get);
        assertThat(otherProcess.verify(KEY, response, p.getAddress(), 40000)).as("secret per process").isEmpty();
    }

    @Test
    void aChallengeIsValidForItsSlotAndTheNextOnly() throws Exception {
        InetSocketAddress p = peer("192.0.2.7", 40000);
        now.set(5_000_000_000L * 1000); // start of a slot
        Message challenge = ((Step.Send) udpSession(p).onMessage(knock(KEY, USER, PORT42))).reply();
        Message response = response(KEY, challenge);
        now.addAndGet(9_999_000_000L); // end of the next slot
        assertThat(minted.verify(KEY, response, p.getAddress(), 40000)).isPresent();
        now.addAndGet(1_000_000L); // the slot after that
        assertThat(minted.verify(KEY, response, p.getAddress(), 40000)).isEmpty();
    }

    @Test
    void usedResponsesRefuseReplaysAndForgetExpiredOnes() {
        UsedResponses used = new UsedResponses(2);
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[0] = 1;
        byte[] c = new byte[32];
        c[0] = 2;
        assertThat(used.use(a, 10, 10)).isEqualTo(UsedResponses.Use.FIRST);
        assertThat(used.use(a.clone(), 10, 10)).isEqualTo(UsedResponses.Use.REPLAYED);
        assertThat(used.use(b, 10, 11)).isEqualTo(UsedResponses.Use.FIRST);
        assertThat(used.use(c, 11, 11)).as("full: fails closed").isEqualTo(UsedResponses.Use.FULL);
        assertThat(used.use(a, 10, 11)).as("still live in the next slot").isEqualTo(UsedResponses.Use.REPLAYED);
        assertThat(used.use(c, 12, 12)).as("slot 10 can no longer verify: forgotten").isEqualTo(UsedResponses.Use.FIRST);
        assertThat(used.size()).isEqualTo(1);
    }
}
