package letmein.proto.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import letmein.proto.auth.Authenticator;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.config.PortResource;
import letmein.proto.config.Resource;
import letmein.proto.config.ServerConfig;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.net.Addresses;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * The server side of one knock exchange (one TCP connection or one UDP peer address:port), as a pure
 * state machine: events in, {@link Step}s out, no I/O and no Netty. The check order is exactly
 * upstream's (docs/PROTOCOL.md, "The server's checks"); the {@link ReplyPolicy} decides whether an error is answered.
 * Not thread-safe: a transport drives one session from one thread. letmeind's transports drive it, and
 * so do the test and training stand-ins of the other modules, so there is one server side of the exchange.
 */
public final class Session {
    /** Where the exchange stands. */
    public enum Phase {
        /** Waiting for KNOCK or REVOKE. */
        AWAIT_OPEN,
        /** CHALLENGE sent, waiting for RESPONSE. */
        AWAIT_RESPONSE,
        /** RESPONSE verified, waiting for letmeinfwd. */
        AWAIT_FWD,
        /** Over; every further event is ignored. */
        DONE
    }

    private final ServerConfig config;
    private final ReplyPolicy policy;
    private final Messages messages;
    private final InetAddress peerIp;
    private final String peerText;
    private final String peerIpText;
    private final boolean answerRetransmittedOpening;
    private final ChallengeSource challenges;
    private final int peerPort;

    private Phase phase = Phase.AWAIT_OPEN;
    private AuthState auth = AuthState.NOT_AUTH;
    private Message opening;
    private Key key;
    private Message challenge;

    /**
     * @param peer                        the peer as seen by the socket; only its address is ever sent to
     *                                    letmeinfwd (canonical), never anything from a payload
     * @param transport                   "TCP" or "UDP", for logs
     * @param answerRetransmittedOpening  answer a byte-identical repeat of the opening message with the same
     *                                    CHALLENGE (UDP packet-loss tolerance, docs/PROTOCOL.md)
     */
    public Session(ServerConfig config, ReplyPolicy policy, Messages messages, InetSocketAddress peer, String transport,
            boolean answerRetransmittedOpening) {
        this(config, policy, messages, peer, transport, answerRetransmittedOpening, null);
    }

    /**
     * @param challenges where the CHALLENGE nonce comes from; null: a fresh random one from {@code messages}
     */
    public Session(ServerConfig config, ReplyPolicy policy, Messages messages, InetSocketAddress peer, String transport,
            boolean answerRetransmittedOpening, ChallengeSource challenges) {
        this.config = Objects.requireNonNull(config);
        this.policy = Objects.requireNonNull(policy);
        this.messages = Objects.requireNonNull(messages);
        this.peerIp = Addresses.canonical(peer.getAddress());
        this.peerPort = peer.getPort();
        this.peerIpText = Addresses.text(peerIp);
        this.peerText = Addresses.withPort(peerIp, peer.getPort()) + "/" + transport;
        this.answerRetransmittedOpening = answerRetransmittedOpening;
        this.challenges = challenges;
    }

    /**
     * A session that starts at the RESPONSE: for a UDP peer whose CHALLENGE was minted by
     * {@link MintedChallenges} and not kept. {@code match} is what {@code MintedChallenges.verify} found
     * the RESPONSE to answer; feed the RESPONSE to {@link #onMessage} next, which checks everything again.
     */
    public static Session resumed(ServerConfig config, ReplyPolicy policy, Messages messages, InetSocketAddress peer,
            String transport, MintedChallenges.Match match, Message response, Key key) {
        Session s = new Session(config, policy, messages, peer, transport, false, null);
        // the opening itself was not kept: its operation and ids are what the challenge was minted for
        s.opening = new Message(match.opening(), response.user(), response.resource(), new byte[Message.SALT_SIZE],
                new byte[Message.AUTH_SIZE]);
        s.key = Objects.requireNonNull(key);
        s.challenge = new Message(Operation.CHALLENGE, response.user(), response.resource(),
                new byte[Message.SALT_SIZE], match.nonce());
        s.auth = AuthState.BASIC_AUTH;
        s.phase = Phase.AWAIT_RESPONSE;
        return s;
    }

    /** How far the peer has authenticated so far. */
    public AuthState authState() {
        return auth;
    }

    /** The peer as logged: {@code address:port/TRANSPORT}, IPv6 in brackets. */
    public String peerText() {
        return peerText;
    }

    public Phase phase() {
        return phase;
    }

    /** True while the session wants the peer's next message. */
    public boolean awaitsMessage() {
        return phase == Phase.AWAIT_OPEN || phase == Phase.AWAIT_RESPONSE;
    }

    public boolean isDone() {
        return phase == Phase.DONE;
    }

    /** A decoded 56-byte message from the peer. Must only be called while {@link #awaitsMessage()}. */
    public Step onMessage(Message m) {
        Objects.requireNonNull(m);
        if (phase == Phase.AWAIT_OPEN) {
            return onOpening(m);
        }
        if (phase == Phase.AWAIT_RESPONSE) {
            return onResponse(m);
        }
        throw new IllegalStateException("session does not await a message in phase " + phase);
    }

    private Step onOpening(Message m) {
        // 3. only KNOCK/REVOKE may open; ids are not known yet, so a GOAWAY carries FFFFFFFF
        if (!m.operation().opensSession()) {
            return fail(ReasonClass.PROTOCOL, "Invalid reply message operation " + m.operation() + " (expected KNOCK or REVOKE)");
        }
        // 4. the session is bound to the first message's user and resource
        opening = m;
        // 5. user must have a key
        Optional<Key> k = config.key(m.user());
        if (k.isEmpty()) {
            return fail(ReasonClass.UNKNOWN_USER, "Unknown user");
        }
        key = k.get();
        // 6. KNOCK/REVOKE MAC with the zero challenge
        if (!Authenticator.verifyNoChallenge(key, m)) {
            return fail(ReasonClass.AUTH, "Knock: Authentication failed");
        }
        auth = AuthState.BASIC_AUTH;
        // 7. resource must exist
        Optional<Resource> r = config.resource(m.resource());
        if (r.isEmpty()) {
            return fail(ReasonClass.UNKNOWN_RESOURCE, "Unknown resource");
        }
        // 8. users: restriction
        if (!r.get().allows(m.user())) {
            return fail(ReasonClass.FORBIDDEN, "User " + m.user() + " is not allowed to use resource " + m.resource());
        }
        // 9. port resources must not be port 0 or the control port (regardless of protocol)
        if (r.get() instanceof PortResource) {
            int port = ((PortResource) r.get()).port();
            if (port == 0 || port == config.general().port().port()) {
                return fail(ReasonClass.CONFIG, "Incorrect configuration: resource " + m.resource() + " has port " + port
                        + ", which is 0 or the control port");
            }
        }
        // 10. fresh challenge for this session only
        challenge = challenges == null ? messages.challenge(m.user(), m.resource())
                : messages.challenge(m.user(), m.resource(),
                        challenges.nonce(m.operation(), peerIp, peerPort, m.user(), m.resource()));
        phase = Phase.AWAIT_RESPONSE;
        return new Step.Send(challenge);
    }

    private Step onResponse(Message m) {
        if (answerRetransmittedOpening && m.equals(opening)) {
            // the peer lost our CHALLENGE and sent the very same KNOCK again: same answer, no new state
            return new Step.Send(challenge);
        }
        // 11. RESPONSE with the session's ids
        if (m.operation() != Operation.RESPONSE) {
            return fail(ReasonClass.PROTOCOL, "Invalid reply message operation " + m.operation() + " (expected RESPONSE)");
        }
        if (!m.user().equals(opening.user())) {
            return fail(ReasonClass.PROTOCOL, "Response: user mismatch (got " + m.user() + ")");
        }
        if (!m.resource().equals(opening.resource())) {
            return fail(ReasonClass.PROTOCOL, "Response: resource mismatch (got " + m.resource() + ")");
        }
        // 12. RESPONSE MAC over this session's challenge nonce
        if (!Authenticator.verify(key, m, challenge.auth())) {
            return fail(ReasonClass.AUTH, "Response: Authentication failed");
        }
        auth = AuthState.FULL_AUTH;
        phase = Phase.AWAIT_FWD;
        // 13. the address is the socket's view of the peer, canonical — never anything from a payload
        FwdMessage.Request request = opening.operation() == Operation.KNOCK
                ? new FwdMessage.Install(opening.user(), opening.resource(), peerIp, config.checksum())
                : new FwdMessage.Revoke(opening.user(), opening.resource(), peerIp, config.checksum());
        return new Step.Forward(request);
    }

    /** letmeinfwd's answer to the {@link Step.Forward} request. */
    public Step onFwdResult(FwdResult result) {
        if (phase != Phase.AWAIT_FWD) {
            throw new IllegalStateException("no letmeinfwd request outstanding in phase " + phase);
        }
        if (result instanceof FwdResult.Failed) {
            return fail(ReasonClass.FIREWALL, "letmeinfwd firewall: " + ((FwdResult.Failed) result).reason());
        }
        // 14. success
        phase = Phase.DONE;
        Message comeIn = messages.comeIn(opening.user(), opening.resource());
        return new Step.End(Optional.of(comeIn), decision(true, ReasonClass.OK, "ok", true));
    }

    /** Bytes that are not a valid message (bad magic, unknown operation, wrong size): never answered. */
    public Step onUndecodable(String reason) {
        return end(ReasonClass.PROTOCOL, "Invalid message: " + reason);
    }

    /** The per-step control-timeout expired: never answered. */
    public Step onTimeout() {
        return phase == Phase.AWAIT_FWD ? end(ReasonClass.FIREWALL, "letmeinfwd did not answer in time")
                : end(ReasonClass.TIMEOUT, "RX communication with peer timed out");
    }

    /**
     * The peer closed the connection: never answered. Before any message it is only logged as a close
     * (scanners, health checks); once a handshake has begun it is the upstream error "Disconnected".
     */
    public Step onDisconnect() {
        return phase == Phase.AWAIT_OPEN && opening == null ? end(ReasonClass.CLOSED, Decision.CLOSED_WITHOUT_MESSAGE)
                : end(ReasonClass.PROTOCOL, "Disconnected");
    }

    /** The transport gave up on this session (e.g. UDP queue overflow, shutdown): never answered. */
    public Step onAbort(ReasonClass reasonClass, String reason) {
        return end(reasonClass, reason);
    }

    private Step end(ReasonClass reasonClass, String reason) {
        phase = Phase.DONE;
        return new Step.End(Optional.empty(), decision(false, reasonClass, reason, false));
    }

    private Step fail(ReasonClass reasonClass, String reason) {
        boolean answer = policy.answersErrorIn(auth);
        phase = Phase.DONE;
        Optional<Message> goAway = Optional.empty();
        if (answer) {
            goAway = Optional.of(opening == null
                    ? messages.goAway(Message.UNKNOWN_USER, Message.UNKNOWN_RESOURCE)
                    : messages.goAway(opening.user(), opening.resource()));
        }
        return new Step.End(goAway, decision(false, reasonClass, reason, answer));
    }

    private Decision decision(boolean success, ReasonClass reasonClass, String reason, boolean replied) {
        Optional<UserId> user = Optional.ofNullable(opening).map(Message::user);
        Optional<ResourceId> res = Optional.ofNullable(opening).map(Message::resource);
        Optional<Operation> op = Optional.ofNullable(opening).map(Message::operation);
        return new Decision(peerText, peerIpText, user, res, op, success, reasonClass, reason, replied);
    }
}
