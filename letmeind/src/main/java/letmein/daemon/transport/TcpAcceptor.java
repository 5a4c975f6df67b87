package letmein.daemon.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import letmein.daemon.policy.Admission;
import letmein.daemon.policy.UnauthenticatedLog;
import letmein.proto.net.Addresses;
import letmein.proto.wire.Message;

/**
 * Admits each accepted TCP connection ({@link Admission#tryAdmitFairly}): over the per-source limit it
 * is dropped with a log line, as upstream; when all sessions are taken, a source holding fewer sessions
 * than the busiest one takes the slot of that source's oldest connection that has not knocked yet.
 * Otherwise the connection waits here, not reading, until a session ends — at most
 * {@link #WAITING_LIMIT} of them; beyond that it is closed. The listener never stops accepting, so
 * every newcomer can be weighed against the sessions that hold the slots.
 */
final class TcpAcceptor extends ChannelInitializer<Channel> {
    /** Connections held unread while all sessions are taken. */
    static final int WAITING_LIMIT = 256;

    private final SessionContext sc;
    private final UnauthenticatedLog preAuth;
    private final ArrayDeque<Channel> waiting = new ArrayDeque<>();

    TcpAcceptor(SessionContext sc, UnauthenticatedLog preAuth) {
        this.sc = sc;
        this.preAuth = preAuth;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        admit(ch);
    }

    private void admit(Channel ch) {
        InetSocketAddress peer = (InetSocketAddress) ch.remoteAddress();
        if (peer == null) {
            ch.close();
            return;
        }
        Admission.Result r = sc.admission().tryAdmitFairly(peer.getAddress(), ch::close);
        if (r == Admission.Refusal.TOO_MANY_FROM_SOURCE) {
            preAuth.refused(peer.getAddress(), "Client '" + Addresses.withPort(peer.getAddress(), peer.getPort())
                    + "/TCP' ERROR: Too many simultaneous connections. Dropping connection. result=dropped");
            ch.close();
            return;
        }
        if (r == Admission.Refusal.TOO_MANY_SESSIONS) {
            if (waiting.size() >= WAITING_LIMIT) {
                ch.close();
                return;
            }
            ch.config().setAutoRead(false);
            waiting.add(ch);
            ch.closeFuture().addListener(f -> waiting.remove(ch));
            return;
        }
        ch.pipeline().addLast(new FixedLengthFrameDecoder(Message.SIZE),
                new TcpSessionHandler(sc, (Admission.Ticket) r, preAuth));
        if (!ch.config().isAutoRead()) {
            ch.config().setAutoRead(true);
        }
    }

    /** Called on the event loop whenever the number of sessions changed. */
    void capacityChanged() {
        while (!sc.admission().full() && !waiting.isEmpty()) {
            Channel ch = waiting.poll();
            if (ch.isActive()) {
                admit(ch);
            }
        }
    }
}
