package letmein.daemon.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import letmein.daemon.fwd.FwdClient;
import letmein.daemon.policy.Admission;
import letmein.proto.auth.Messages;
import letmein.proto.reload.Reloader;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.auth.Key;
import letmein.proto.session.ChallengeSource;
import letmein.proto.session.MintedChallenges;
import letmein.proto.wire.Message;
import letmein.proto.session.Session;

/**
 * What every transport needs to run sessions; one instance per server. The configuration is not held
 * here but taken from {@code live} when a session begins: a session keeps the snapshot it began with to
 * its end, the next one gets whatever a reload has swapped in.
 */
public record SessionContext(Reloader<LiveConfig> live, Messages messages, FwdClient fwd,
        Admission admission, DaemonLog log) {
    public SessionContext {
        Objects.requireNonNull(live);
        Objects.requireNonNull(messages);
        Objects.requireNonNull(fwd);
        Objects.requireNonNull(admission);
        Objects.requireNonNull(log);
    }

    /** The running configuration and what is derived from it. */
    public LiveConfig current() {
        return live.current();
    }

    /** The running configuration's control-timeout (sessions in progress keep their own). */
    public Duration controlTimeout() {
        return current().config().general().controlTimeout();
    }

    /**
     * How long a new connection may take to deliver its first message: the control-timeout, but at most
     * {@link #FIRST_MESSAGE_TIMEOUT}, so that connections opened only to hold a slot are closed early.
     */
    public Duration firstMessageTimeout() {
        Duration c = controlTimeout();
        return c.compareTo(FIRST_MESSAGE_TIMEOUT) < 0 ? c : FIRST_MESSAGE_TIMEOUT;
    }

    /** A client sends its KNOCK right after connecting; 2 s covers a 1 s round trip twice over. */
    public static final Duration FIRST_MESSAGE_TIMEOUT = Duration.ofSeconds(2);

    public boolean debug() {
        return current().config().general().debug();
    }

    /** A new server-side exchange with {@code peer}, with a random challenge, under the running configuration. */
    public Session newSession(InetSocketAddress peer, String transport, boolean answerRetransmittedOpening) {
        LiveConfig l = current();
        return new Session(l.config(), l.policy(), messages, peer, transport, answerRetransmittedOpening);
    }

    /** A new server-side exchange with {@code peer} whose challenge comes from {@code challenges}. */
    public Session newSession(InetSocketAddress peer, String transport, boolean answerRetransmittedOpening,
            ChallengeSource challenges) {
        LiveConfig l = current();
        return new Session(l.config(), l.policy(), messages, peer, transport, answerRetransmittedOpening, challenges);
    }

    /** An exchange that starts at a RESPONSE to a challenge minted under {@code l} ({@link Session#resumed}). */
    public Session resumedSession(LiveConfig l, InetSocketAddress peer, String transport, MintedChallenges.Match match,
            Message response, Key key) {
        return Session.resumed(l.config(), l.policy(), messages, peer, transport, match, response, key);
    }
}
