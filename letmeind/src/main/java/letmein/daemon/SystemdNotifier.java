package letmein.daemon;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code sd_notify}: sends {@code READY=1} / {@code STOPPING=1} datagrams to {@code NOTIFY_SOCKET}
 * (a Unix datagram socket; the JDK cannot send those, Netty's native transport can). Without
 * NOTIFY_SOCKET it does nothing. Failures are reported, never fatal.
 */
public final class SystemdNotifier {
    private final Optional<String> socket;
    private final DecisionLog log;

    public SystemdNotifier(Optional<String> notifySocket, DecisionLog log) {
        this.socket = notifySocket.filter(s -> !s.isEmpty());
        this.log = log;
    }

    public boolean enabled() {
        return socket.isPresent();
    }

    /** Sends one state string, e.g. {@code READY=1}. Returns true if it was sent. */
    public boolean notify(String state) {
        if (socket.isEmpty()) {
            return false;
        }
        if (!Epoll.isAvailable()) {
            log.line("letmeind: cannot notify systemd (" + state + "): native epoll transport unavailable");
            return false;
        }
        String path = socket.get();
        if (path.startsWith("@")) {
            path = "\0" + path.substring(1); // abstract namespace
        }
        EpollEventLoopGroup group = new EpollEventLoopGroup(1, new DefaultThreadFactory("letmeind-notify", true));
        try {
            ChannelFuture cf = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(new DomainSocketAddress(path));
            if (!cf.awaitUninterruptibly(2, TimeUnit.SECONDS) || !cf.isSuccess()) {
                log.line("letmeind: cannot notify systemd (" + state + ") at " + socket.get() + ": " + cf.cause());
                return false;
            }
            Channel ch = cf.channel();
            ChannelFuture wf = ch.writeAndFlush(Unpooled.copiedBuffer(state, StandardCharsets.UTF_8));
            boolean ok = wf.awaitUninterruptibly(2, TimeUnit.SECONDS) && wf.isSuccess();
            if (!ok) {
                log.line("letmeind: cannot notify systemd (" + state + ") at " + socket.get() + ": " + wf.cause());
            }
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            return ok;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
