package letmein.daemon.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import letmein.daemon.policy.Admission;
import letmein.proto.net.Addresses;
import letmein.proto.wire.Message;

/**
 * Admits each accepted TCP connection: per-source limit first (over it: dropped with a log line, as
 * upstream), then the global limit. When all sessions are taken the listener stops accepting, so new
 * connections wait in the kernel backlog (upstream's back-pressure); the few accepted in the same
 * read burst wait here, not reading, until a session ends.
 */
final class TcpAcceptor extends ChannelInitializer<Channel> {
    private final SessionContext sc;
    private final ArrayDeque<Channel> waiting = new ArrayDeque<>();
    private Channel listener;

    TcpAcceptor(SessionContext sc) {
        this.sc = sc;
    }

    /** The listening channel, whose accepting is paused while all sessions are taken. */
    void listener(Channel listener) {
        this.listener = listener;
        listener.config().setAutoRead(!sc.admission().full());
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
        Admission.Result r = sc.admission().tryAdmit(peer.getAddress());
        if (r == Admission.Refusal.TOO_MANY_FROM_SOURCE) {
            sc.log().warn("Client '" + Addresses.withPort(peer.getAddress(), peer.getPort())
                    + "/TCP' ERROR: Too many simultaneous connections. Dropping connection. result=dropped");
            ch.close();
            return;
        }
        if (r == Admission.Refusal.TOO_MANY_SESSIONS) {
            ch.config().setAutoRead(false);
            waiting.add(ch);
            ch.closeFuture().addListener(f -> waiting.remove(ch));
            return;
        }
        ch.pipeline().addLast(new FixedLengthFrameDecoder(Message.SIZE),
                new TcpSessionHandler(sc, (Admission.Ticket) r));
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
        if (listener != null) {
            boolean accept = !sc.admission().full();
            if (listener.config().isAutoRead() != accept) {
                listener.config().setAutoRead(accept);
            }
        }
    }
}
