package letmein.daemon.transport;

import io.netty.channel.EventLoop;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import letmein.daemon.policy.Admission;
import letmein.daemon.policy.UnauthenticatedLog;
import letmein.proto.session.ReasonClass;
import letmein.proto.session.AuthState;
import letmein.proto.session.Decision;
import letmein.proto.session.Session;
import letmein.proto.session.Step;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.ProtocolException;

/**
 * Runs one {@link Session} on its event loop for either transport: feeds it frames, carries out the
 * {@link Step}s it returns (send, ask letmeinfwd, end), keeps the per-step control-timeout, logs the
 * decision and gives the admission ticket back exactly once. What differs between TCP and UDP — how a
 * frame is written, how the session's end is carried out — is the transport's {@link Link}. Over UDP a
 * driver exists only once the peer's RESPONSE has verified ({@link UdpDispatcher}).
 * Not thread-safe: every call comes from the session's event loop.
 */
final class SessionDriver {
    /** The transport side of one session. */
    interface Link {
        /** Writes one reply; the session goes on. */
        void send(Message reply);

        /**
         * The session is over: send {@code reply} if present and possible, then close or forget the peer.
         * Returns true if the reply was sent.
         */
        boolean finish(Optional<Message> reply);

        /** Called after each reply is sent (UDP: go on with datagrams that queued meanwhile). */
        default void afterSend() {
        }

        /** Called while letmeinfwd works on the request (TCP: stop reading). */
        default void awaitingFirewall() {
        }
    }

    private final SessionContext sc;
    private final Session session;
    private final Admission.Ticket ticket;
    private final EventLoop loop;
    /** The step timeouts of the configuration the session began with. */
    private final java.time.Duration controlTimeout;
    private final java.time.Duration firstMessageTimeout;
    private Link link;
    private ScheduledFuture<?> timer;
    private Message lastSent;
    private boolean ended;
    private boolean gotMessage;
    /** Where failures before authentication go (TCP: rate-limited per source); null: the plain log. */
    private final UnauthenticatedLog preAuth;

    SessionDriver(SessionContext sc, Session session, Admission.Ticket ticket, EventLoop loop,
            UnauthenticatedLog preAuth) {
        this.sc = sc;
        this.session = session;
        this.ticket = ticket;
        this.loop = loop;
        this.preAuth = preAuth;
        this.controlTimeout = sc.controlTimeout();
        this.firstMessageTimeout = sc.firstMessageTimeout();
    }

    /** Attaches the transport and starts the first step's timer. */
    void start(Link link) {
        this.link = link;
        arm();
    }

    Session session() {
        return session;
    }

    /** True while the session wants the peer's next message. */
    boolean awaitsMessage() {
        return !ended && session.awaitsMessage();
    }

    boolean ended() {
        return ended;
    }

    /** Exactly {@link Message#SIZE} bytes from the peer. */
    void onFrame(byte[] frame) {
        gotMessage = true;
        Message m;
        try {
            m = FrameCodec.decode(frame);
        } catch (ProtocolException e) {
            apply(session.onUndecodable(e.getMessage()));
            return;
        }
        onMessage(m);
    }

    /** A message the transport has already decoded. */
    void onMessage(Message m) {
        gotMessage = true;
        Step step = session.onMessage(m);
        if (session.authState() != AuthState.NOT_AUTH) {
            ticket.knocked(); // proved a key: its slot is never given to a fairer claim
        }
        apply(step);
    }

    /** The peer went away (TCP close) before the session wanted no more. */
    void onDisconnect() {
        if (awaitsMessage()) {
            apply(session.onDisconnect());
        }
        // during the letmeinfwd request its result still ends (and logs) the session
    }

    /** The transport gives up on the session (socket error, overflow); never answered. */
    void abort(ReasonClass reasonClass, String reason) {
        if (awaitsMessage()) {
            apply(session.onAbort(reasonClass, reason));
        }
    }

    /** Carries out a step the session returned before the driver took it over (UDP: the verified RESPONSE). */
    void carryOut(Step step) {
        apply(step);
    }

    private void apply(Step step) {
        if (step instanceof Step.Send send) {
            link.send(send.reply());
            if (send.reply() != lastSent) {
                arm(); // a re-sent CHALLENGE (UDP retransmission) does not extend the step's deadline
            }
            lastSent = send.reply();
            link.afterSend();
        } else if (step instanceof Step.Forward forward) {
            cancelTimer();
            link.awaitingFirewall();
            sc.fwd().send(forward.request())
                    .thenAccept(r -> loop.execute(() -> apply(session.onFwdResult(r))));
        } else {
            end((Step.End) step);
        }
    }

    private void end(Step.End end) {
        if (ended) {
            return;
        }
        ended = true;
        cancelTimer();
        sc.admission().release(ticket);
        boolean sent = link.finish(end.reply());
        Decision d = end.decision();
        if (d.replied() && !sent) {
            d = d.withoutReply();
        }
        if (preAuth != null && !d.success() && session.authState() == AuthState.NOT_AUTH) {
            preAuth.failure(d, null); // a scanner or an attacker without a key: rate-limited per source
        } else if (d.success() || d.closedWithoutMessage()) {
            sc.log().info(d.logLine());
        } else {
            sc.log().warn(d.logLine());
        }
    }

    private void arm() {
        cancelTimer();
        timer = loop.schedule(() -> {
            if (awaitsMessage()) {
                apply(session.onTimeout());
            }
        }, (gotMessage ? controlTimeout : firstMessageTimeout).toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
