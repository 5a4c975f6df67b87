package letmein.daemon;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.ProtocolException;

/**
 * Emulates connections on the one UDP socket, as upstream's dispatcher does: sessions keyed by peer
 * (address, port), at most {@code -n} of them, each with a queue of at most 4 datagrams that arrive
 * while the session is busy. Everything an attacker controls (wrong size, overflow, too many peers,
 * per-source limit) is dropped silently: no reply, no log line. Memory is bounded by the session cap
 * times the queue cap, whatever the input rate.
 */
final class UdpDispatcher extends SimpleChannelInboundHandler<DatagramPacket> {
    /** Upstream's per-session receive queue limit. */
    static final int QUEUE_LIMIT = 4;

    private final SessionContext sc;
    private final int maxSessions;
    private final Map<InetSocketAddress, Peer> peers = new HashMap<>();
    private ChannelHandlerContext ctx;

    UdpDispatcher(SessionContext sc, int maxSessions) {
        this.sc = sc;
        this.maxSessions = maxSessions;
    }

    /** Live sessions (for tests and leak checks). */
    int sessions() {
        return peers.size();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (packet.content().readableBytes() != Message.SIZE) {
            return; // wrong size: dropped, creates no session
        }
        InetSocketAddress sender = packet.sender();
        byte[] frame = new byte[Message.SIZE];
        packet.content().getBytes(packet.content().readerIndex(), frame);
        Peer peer = peers.get(sender);
        if (peer == null) {
            if (peers.size() >= maxSessions) {
                return;
            }
            if (!decodable(frame)) {
                // undecodable input would end a new session at once without a reply: skip the session
                // altogether, so a garbage flood costs no admission bookkeeping
                return;
            }
            Admission.Result r = sc.admission().tryAdmit(sender.getAddress());
            if (!(r instanceof Admission.Ticket)) {
                return;
            }
            peer = new Peer(sender, (Admission.Ticket) r);
            peers.put(sender, peer);
        }
        peer.deliver(frame);
    }

    private static boolean decodable(byte[] frame) {
        try {
            FrameCodec.decode(frame);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. ICMP port unreachable surfacing as an error on the unconnected socket: keep serving
        if (sc.debug()) {
            sc.log().line("UDP socket error (ignored): " + cause);
        }
    }

    /** One emulated connection. */
    private final class Peer {
        private final InetSocketAddress address;
        private final Admission.Ticket ticket;
        private final Session session;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>(QUEUE_LIMIT);
        private ScheduledFuture<?> timer;
        private Message lastSent;
        private boolean detached;
        private boolean ended;

        Peer(InetSocketAddress address, Admission.Ticket ticket) {
            this.address = address;
            this.ticket = ticket;
            this.session = sc.newSession(address, "UDP", true);
            arm();
        }

        void deliver(byte[] frame) {
            if (session.awaitsMessage() && queue.isEmpty()) {
                process(frame);
                return;
            }
            if (queue.size() >= QUEUE_LIMIT) {
                overflow();
                return;
            }
            queue.add(frame);
        }

        private void process(byte[] frame) {
            Message m;
            try {
                m = FrameCodec.decode(frame);
            } catch (ProtocolException e) {
                apply(session.onUndecodable(e.getMessage()));
                return;
            }
            apply(session.onMessage(m));
        }

        private void drain() {
            while (!ended && session.awaitsMessage() && !queue.isEmpty()) {
                process(queue.poll());
            }
        }

        private void apply(Step step) {
            if (step instanceof Step.Send) {
                Message reply = ((Step.Send) step).reply();
                send(reply);
                if (reply != lastSent) {
                    arm(); // a re-sent CHALLENGE does not extend the step's deadline
                }
                lastSent = reply;
                drain();
            } else if (step instanceof Step.Forward) {
                cancelTimer();
                sc.forward((Step.Forward) step, session, ctx.channel().eventLoop(), this::apply);
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
            queue.clear();
            if (!detached) {
                peers.remove(address);
            }
            sc.admission().release(ticket);
            if (end.reply().isPresent() && !detached) {
                send(end.reply().get());
            }
            Decision d = end.decision();
            if (detached && d.replied()) {
                // destroyed by queue overflow while letmeinfwd worked: the outcome is logged, nothing is sent
                d = new Decision(d.peer(), d.peerIp(), d.user(), d.resource(), d.operation(), d.success(),
                        d.reason(), false);
            }
            // a spoofable source may not fill the log: only sessions whose opening message decoded are logged
            if (d.user().isPresent() || sc.debug()) {
                sc.log().line(d.logLine());
            }
        }

        /** Fifth queued datagram: the session is destroyed silently, as upstream. */
        private void overflow() {
            queue.clear();
            if (session.phase() == Session.Phase.AWAIT_FWD) {
                // the firewall request is in flight; its result still ends and logs the session
                detached = true;
                peers.remove(address);
                return;
            }
            Step step = session.onAbort("UDP receive queue overflow");
            detached = true;
            peers.remove(address);
            end((Step.End) step);
        }

        private void send(Message m) {
            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(FrameCodec.encode(m)), address));
        }

        private void arm() {
            cancelTimer();
            timer = ctx.channel().eventLoop().schedule(() -> {
                if (!ended && session.awaitsMessage()) {
                    apply(session.onTimeout());
                }
            }, sc.controlTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }
}
