package letmein.daemon.systemd;

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import letmein.proto.daemon.SystemdNotify;

/**
 * Delivers letmeind's {@link SystemdNotify} datagrams through Netty's native epoll transport, which
 * letmeind loads anyway and which can send on an AF_UNIX datagram socket (the JDK cannot). In-process,
 * so the unit keeps {@code NotifyAccess=main}.
 */
public final class NettyNotifyTransport implements SystemdNotify.Transport {
    @Override
    public void send(String socket, String state) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("native epoll transport unavailable");
        }
        String path = socket.startsWith("@") ? "\0" + socket.substring(1) : socket; // abstract namespace
        EpollEventLoopGroup group = new EpollEventLoopGroup(1, new DefaultThreadFactory("letmeind-notify", true));
        try {
            ChannelFuture cf = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(new DomainSocketAddress(path));
            if (!cf.awaitUninterruptibly(2, TimeUnit.SECONDS) || !cf.isSuccess()) {
                throw new IOException("cannot connect: " + cf.cause());
            }
            Channel ch = cf.channel();
            try {
                ChannelFuture wf = ch.writeAndFlush(Unpooled.copiedBuffer(state, StandardCharsets.UTF_8));
                if (!wf.awaitUninterruptibly(2, TimeUnit.SECONDS) || !wf.isSuccess()) {
                    throw new IOException("cannot send: " + wf.cause());
                }
            } finally {
                ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
