package letmein.daemon.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import letmein.daemon.policy.Admission;
import letmein.daemon.policy.UnauthenticatedLog;
import letmein.proto.auth.Key;
import letmein.proto.session.ReasonClass;
import letmein.proto.session.MintedChallenges;
import letmein.proto.session.Session;
import letmein.proto.session.Step;
import letmein.proto.session.UsedResponses;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;

/**
 * The UDP control port. A datagram's source address can be forged, so nothing a peer sends before it
 * proves it holds a key may take anything that legitimate peers need:
 * <ul>
 * <li>The CHALLENGE is computed ({@link MintedChallenges}), so a RESPONSE verifies without any memory of
 *     the KNOCK. Challenged peers are remembered only in a bounded most-recently-used table, which holds
 *     no session slot and no timer: it lets a retransmitted KNOCK get the identical CHALLENGE and a bad
 *     RESPONSE get upstream's error reply; when a flood pushes an entry out, the peer's RESPONSE still
 *     verifies.</li>
 * <li>Only a verified RESPONSE takes a session slot ({@link Admission}) and a {@link SessionDriver}; the
 *     RESPONSE is then remembered ({@link UsedResponses}), so a captured RESPONSE sent again opens
 *     nothing. A verified session keeps upstream's queue of 4 datagrams; the 5th destroys it silently.</li>
 * <li>A RESPONSE the client sends again because the reply was lost (the same bytes from the same address
 *     and port) gets the same reply again, from a bounded table of answered RESPONSEs, without a second
 *     request to letmeinfwd; from any other address it is a replay and opens nothing.</li>
 * <li>Failures before that point are logged through {@link UnauthenticatedLog} (bounded per window).</li>
 * </ul>
 * Wrong-size and undecodable datagrams are dropped without a trace. Not thread-safe: one event loop.
 */
public final class UdpDispatcher extends SimpleChannelInboundHandler<DatagramPacket> {
    /** Upstream's per-session receive queue limit. */
    public static final int QUEUE_LIMIT = 4;
    /** Challenged peers remembered at most (each a few hundred bytes). */
    static final int CHALLENGED_LIMIT = 4096;
    /** Used RESPONSEs remembered at most (one per successful knock in two control-timeouts). */
    static final int USED_LIMIT = 65_536;
    /** Answered RESPONSEs remembered at most (their replies are sent again to a retransmission). */
    static final int ANSWERED_LIMIT = 4096;
    /**
     * Replies Netty may hold while the kernel's send buffer is full (bytes of pending datagrams):
     * beyond the high mark a reply is dropped, not queued. A full send buffer means replies to
     * addresses that cannot be reached (forged sources on this link hold the buffer while the kernel
     * resolves them); an unbounded queue there once exhausted the heap and stopped the event loop.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(4 * 1024, 16 * 1024);

    private final SessionContext sc;
    /**
     * The running configuration's challenges, taken at each datagram. A reload that changes the
     * control-timeout brings a new secret and slot length: the RESPONSEs remembered under the old one can
     * never verify again, so {@code used} starts afresh with it.
     */
    private MintedChallenges minted;
    private final UnauthenticatedLog unauthenticated;
    private UsedResponses used = new UsedResponses(USED_LIMIT);
    private final Map<InetSocketAddress, Peer> peers = new HashMap<>();
    /** Replies sent to verified RESPONSEs, by the RESPONSE's MAC, for two control-timeouts. */
    private final Map<ByteBuffer, Answered> answered =
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Answered> eldest) {
                    return size() > ANSWERED_LIMIT;
                }
            };
    private final Map<InetSocketAddress, Challenged> challenged =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Challenged> eldest) {
                    return size() > CHALLENGED_LIMIT;
                }
            };
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> sweeper;
    private ScheduledFuture<?> window;
    /** Replies dropped in this window because the send buffer was full. */
    private long unsent;

    /** The reply sent to a verified RESPONSE ({@code frame}, from {@code sender}). */
    private record Answered(InetSocketAddress sender, byte[] frame, Message reply, long since) {
    }

    /** A peer that got a CHALLENGE. {@code opening} is the opening's MAC field (identifies a retransmission). */
    private record Challenged(Session session, long since, byte[] opening, Operation operation) {
    }

    UdpDispatcher(SessionContext sc, UnauthenticatedLog unauthenticated) {
        this.sc = sc;
        this.minted = sc.current().minted();
        this.unauthenticated = unauthenticated;
    }

    /** Verified sessions, waiting for letmeinfwd (tests, leak checks). */
    int sessions() {
        return peers.size();
    }

    /** Challenged peers remembered (tests, leak checks). */
    int challenged() {
        return challenged.size();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
        window = ctx.executor().scheduleAtFixedRate(this::endWindow, 10, 10, TimeUnit.SECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        sweeper.cancel(false);
        window.cancel(false);
        endWindow();
    }

    private void endWindow() {
        if (unsent > 0) {
            sc.log().warn("UDP: " + unsent + " replies not sent in the last 10 s: the socket's send buffer was full "
                    + "(replies to unreachable addresses, e.g. forged sources on this link, hold it) result=unsent count="
                    + unsent);
            unsent = 0;
        }
        unauthenticated.endWindow();
    }

    /** Replies dropped for a full send buffer in the current window (tests). */
    long unsent() {
        return unsent;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (packet.content().readableBytes() != Message.SIZE) {
            return; // wrong size: dropped
        }
        MintedChallenges running = sc.current().minted();
        if (running != minted) {
            minted = running;
            used = new UsedResponses(USED_LIMIT);
        }
        InetSocketAddress sender = packet.sender();
        byte[] frame = new byte[Message.SIZE];
        packet.content().getBytes(packet.content().readerIndex(), frame);
        Peer peer = peers.get(sender);
        if (peer != null) {
            peer.deliver(frame);
            return;
        }
        Message m;
        try {
            m = FrameCodec.decode(frame);
        } catch (ProtocolException e) {
            return; // undecodable from a peer without a session: would end at once, unanswered
        }
        if (m.operation() == Operation.RESPONSE && answerAgain(sender, m, frame)) {
            return;
        }
        Challenged c = challenged.get(sender);
        if (c != null && expired(c, System.nanoTime())) {
            challenged.remove(sender);
            timedOut(c);
            c = null;
        }
        if (c != null && m.operation() == c.operation() && !Arrays.equals(m.auth(), c.opening())) {
            // the same operation opened anew from the same address and port while a CHALLENGE is pending (not
            // a retransmission: other bytes): a new client process got the port of an abandoned attempt, or
            // the client started over. The pending exchange is over; this one starts afresh (the challenged
            // table holds no slot). Another operation there stays upstream's error (docs/PROTOCOL.md).
            challenged.remove(sender);
            timedOut(c);
            c = null;
        }
        Session s;
        byte[] opening;
        if (c != null) {
            s = c.session();
            opening = c.opening();
        } else if (m.operation() == Operation.RESPONSE) {
            Optional<Session> resumed = resume(sender, m);
            s = resumed.orElseGet(() -> newSession(sender));
            opening = resumed.isPresent() ? null : m.auth();
        } else {
            s = newSession(sender);
            opening = m.auth();
        }
        Step step = s.onMessage(m);
        if (step instanceof Step.Send send) {
            if (c == null) {
                challenged.put(sender, new Challenged(s, System.nanoTime(), m.auth(), m.operation()));
            }
            send(send.reply(), sender);
        } else if (step instanceof Step.Forward) {
            challenged.remove(sender);
            verified(sender, s, m, frame, step);
        } else {
            challenged.remove(sender);
            Step.End end = (Step.End) step;
            end.reply().ifPresent(r -> send(r, sender));
            unauthenticated.failure(end.decision(), opening);
        }
    }

    /** A RESPONSE already answered, sent again by the same peer (the reply was lost): the same reply again. */
    private boolean answerAgain(InetSocketAddress sender, Message response, byte[] frame) {
        Answered a = answered.get(ByteBuffer.wrap(response.auth()));
        if (a == null || !a.sender().equals(sender) || !Arrays.equals(a.frame(), frame) || expired(a.since(), System.nanoTime())) {
            return false;
        }
        sc.log().debug(() -> "UDP: the same RESPONSE again from " + sender + ": the reply is sent again");
        send(a.reply(), sender);
        return true;
    }

    private Session newSession(InetSocketAddress sender) {
        return sc.newSession(sender, "UDP", true, minted);
    }

    /** A RESPONSE from a peer not remembered: does it answer a challenge minted for it? */
    private Optional<Session> resume(InetSocketAddress sender, Message response) {
        LiveConfig live = sc.current();
        Optional<Key> key = live.config().key(response.user());
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return minted.verify(key.get(), response, sender.getAddress(), sender.getPort())
                .map(match -> sc.resumedSession(live, sender, "UDP", match, response, key.get()));
    }

    /** The RESPONSE verified: take a session slot, remember the RESPONSE, ask letmeinfwd. */
    private void verified(InetSocketAddress sender, Session s, Message response, byte[] frame, Step forward) {
        if (used.contains(response.auth(), minted.slot())) {
            replayed(s, response); // before taking a slot: a replay must not displace anyone
            return;
        }
        // a slot first: a RESPONSE dropped for want of one must stay usable when the client sends it again
        Admission.Result r = sc.admission().tryAdmitVerified(sender.getAddress());
        if (!(r instanceof Admission.Ticket ticket)) {
            return; // all session slots taken by verified sessions: dropped silently, the client retries
        }
        // remembered from now: its challenge was minted in this slot or the previous one, so it can no
        // longer verify once the entry is forgotten (after the next slot)
        long now = minted.slot();
        switch (used.use(response.auth(), now, now)) {
            case REPLAYED -> {
                sc.admission().release(ticket);
                replayed(s, response);
                return;
            }
            case FULL -> {
                sc.admission().release(ticket);
                sc.log().warn("UDP: " + USED_LIMIT + " knocks within two control-timeouts: refusing more until "
                        + "their challenges expire (replay protection is full) peer=" + s.peerText());
                return;
            }
            case FIRST -> {
                // go on
            }
        }
        Peer peer = new Peer(sender, s, ticket, frame, response.auth());
        peers.put(sender, peer);
        peer.driver.carryOut(forward);
    }

    private void replayed(Session s, Message response) {
        unauthenticated.failure(((Step.End) s.onAbort(ReasonClass.REPLAY, "Response: replayed (this RESPONSE was already used)"))
                .decision(), response.auth());
    }

    private boolean expired(Challenged c, long now) {
        return now - c.since() > sc.controlTimeout().toNanos();
    }

    /** An answered RESPONSE is kept as long as its challenge could verify: two control-timeouts. */
    private boolean expired(long since, long now) {
        return now - since > 2 * sc.controlTimeout().toNanos();
    }

    private void timedOut(Challenged c) {
        unauthenticated.failure(((Step.End) c.session().onTimeout()).decision(), c.opening());
    }

    /** Forgets challenged peers that did not answer within the control-timeout. */
    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Challenged> it = challenged.values().iterator(); it.hasNext();) {
            Challenged c = it.next();
            if (expired(c, now)) {
                it.remove();
                timedOut(c);
            }
        }
        answered.values().removeIf(a -> expired(a.since(), now));
    }

    private void send(Message m, InetSocketAddress to) {
        if (!ctx.channel().isWritable()) {
            unsent++; // as if the datagram were lost: the client sends again
            return;
        }
        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(FrameCodec.encode(m)), to), ctx.voidPromise());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. ICMP port unreachable surfacing as an error on the unconnected socket: keep serving
        sc.log().debug(() -> "UDP socket error (ignored): " + cause);
    }

    /** A verified session, while letmeinfwd works on its request. */
    private final class Peer implements SessionDriver.Link {
        private final InetSocketAddress address;
        private final SessionDriver driver;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>(QUEUE_LIMIT);
        /** The verified RESPONSE and its MAC: sent again while letmeinfwd works, it is not queued. */
        private final byte[] response;
        private final byte[] mac;
        /** Forgotten after a queue overflow: its outcome is still logged, nothing more is sent. */
        private boolean detached;

        Peer(InetSocketAddress address, Session session, Admission.Ticket ticket, byte[] response, byte[] mac) {
            this.address = address;
            this.response = response;
            this.mac = mac;
            this.driver = new SessionDriver(sc, session, ticket, ctx.channel().eventLoop(), null);
            driver.start(this);
        }

        void deliver(byte[] frame) {
            if (Arrays.equals(frame, response)) {
                return; // the client sends its RESPONSE again: the reply comes when letmeinfwd answers
            }
            if (driver.awaitsMessage() && queue.isEmpty()) {
                driver.onFrame(frame);
            } else if (queue.size() >= QUEUE_LIMIT) {
                overflow();
            } else {
                queue.add(frame);
            }
        }

        @Override
        public void afterSend() {
            while (driver.awaitsMessage() && !queue.isEmpty()) {
                driver.onFrame(queue.poll());
            }
        }

        @Override
        public void send(Message reply) {
            UdpDispatcher.this.send(reply, address);
        }

        @Override
        public boolean finish(Optional<Message> reply) {
            queue.clear();
            if (detached) {
                return false;
            }
            peers.remove(address);
            reply.ifPresent(r -> {
                answered.put(ByteBuffer.wrap(mac), new Answered(address, response, r, System.nanoTime()));
                send(r);
            });
            return reply.isPresent();
        }

        /** Fifth queued datagram: the session is destroyed silently, as upstream. */
        private void overflow() {
            queue.clear();
            detached = true;
            peers.remove(address);
            // while letmeinfwd works on the request, its result still ends and logs the session
            driver.abort(ReasonClass.INTERNAL, "UDP receive queue overflow");
        }
    }
}
