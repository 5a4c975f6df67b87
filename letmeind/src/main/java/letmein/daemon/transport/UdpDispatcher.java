package letmein.daemon.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import letmein.daemon.policy.Admission;
import letmein.proto.session.Session;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.ProtocolException;

/**
 * Emulates connections on the one UDP socket, as upstream's dispatcher does: sessions keyed by peer
 * (address, port), at most {@code -n} of them, each driven by a {@link SessionDriver} with a queue of
 * at most 4 datagrams that arrive while the session is busy. Everything an attacker controls (wrong
 * size, undecodable first datagram, overflow, too many peers, per-source limit) is dropped silently:
 * no reply, no log line. Memory is bounded by the session cap times the queue cap, whatever the rate.
 */
public final class UdpDispatcher extends SimpleChannelInboundHandler<DatagramPacket> {
    /** Upstream's per-session receive queue limit. */
    public static final int QUEUE_LIMIT = 4;

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
        if (peer != null) {
            peer.deliver(frame);
            return;
        }
        if (peers.size() >= maxSessions) {
            return;
        }
        Message first;
        try {
            first = FrameCodec.decode(frame);
        } catch (ProtocolException e) {
            // undecodable input would end a new session at once without a reply: no session at all,
            // so a garbage flood costs no admission bookkeeping
            return;
        }
        Admission.Result r = sc.admission().tryAdmit(sender.getAddress());
        if (!(r instanceof Admission.Ticket ticket)) {
            return;
        }
        peer = new Peer(sender, ticket);
        peers.put(sender, peer);
        peer.driver.onMessage(first);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. ICMP port unreachable surfacing as an error on the unconnected socket: keep serving
        sc.log().debug(() -> "UDP socket error (ignored): " + cause);
    }

    /** One emulated connection. */
    private final class Peer implements SessionDriver.Link {
        private final InetSocketAddress address;
        private final SessionDriver driver;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>(QUEUE_LIMIT);
        /** Forgotten after a queue overflow: its outcome is still logged, nothing more is sent. */
        private boolean detached;

        Peer(InetSocketAddress address, Admission.Ticket ticket) {
            this.address = address;
            Session session = sc.newSession(address, "UDP", true);
            this.driver = new SessionDriver(sc, session, ticket, ctx.channel().eventLoop(), true);
            driver.start(this);
        }

        void deliver(byte[] frame) {
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
            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(FrameCodec.encode(reply)), address));
        }

        @Override
        public boolean finish(Optional<Message> reply) {
            queue.clear();
            if (detached) {
                return false;
            }
            peers.remove(address);
            reply.ifPresent(this::send);
            return reply.isPresent();
        }

        /** Fifth queued datagram: the session is destroyed silently, as upstream. */
        private void overflow() {
            queue.clear();
            detached = true;
            peers.remove(address);
            // while letmeinfwd works on the request, its result still ends and logs the session
            driver.abort("UDP receive queue overflow");
        }
    }
}
