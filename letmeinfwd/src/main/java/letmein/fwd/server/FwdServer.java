package letmein.fwd.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.concurrent.ScheduledFuture;

import letmein.fwd.Log;
import letmein.fwd.check.RequestCheck;
import letmein.fwd.lease.LeaseBook;
import letmein.proto.fwd.FwdCodec;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.fwd.FwdProtocolException;
import letmein.proto.net.Addresses;

/**
 * The IPC endpoint: a Unix stream socket on which each connection carries exactly one 60-byte request
 * and gets one ACK or NACK. Every connection's SO_PEERCRED is checked first; a refused peer is logged
 * and closed and the daemon keeps serving. At most {@code maxConnections} connections are served at
 * once (the listener stops accepting until one ends), and a connection must deliver its request within
 * {@code receiveTimeout}. A frame that is short, oversized or malformed never reaches the firewall.
 */
public final class FwdServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final PeerPolicy policy;
    private final RequestCheck check;
    private final LeaseBook book;
    private final int maxConnections;
    private final Duration receiveTimeout;
    private final Log log;
    private final AtomicInteger active = new AtomicInteger();
    private Channel listener;

    public FwdServer(EventLoopGroup group, PeerPolicy policy, RequestCheck check, LeaseBook book, int maxConnections,
            Duration receiveTimeout, Log log) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("at least one connection must be allowed");
        }
        this.group = group;
        this.policy = policy;
        this.check = check;
        this.book = book;
        this.maxConnections = maxConnections;
        this.receiveTimeout = receiveTimeout;
        this.log = log;
    }

    /** Binds a new socket at {@code path} (the caller has cleared a stale one). */
    public void bind(Path path) throws IOException {
        try {
            listener = bootstrap(new EpollServerDomainSocketChannel()).bind(new DomainSocketAddress(path.toString()))
                    .syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IOException("cannot bind " + path + ": " + e.getMessage(), e);
        }
    }

    /** Serves on a listening socket inherited from systemd. */
    public void adopt(int fd) throws IOException {
        try {
            listener = bootstrap(new EpollServerDomainSocketChannel(fd, true)).register().syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IOException("cannot use the socket passed by systemd (fd " + fd + "): " + e.getMessage(), e);
        }
    }

    /**
     * A socket from systemd arrives in blocking mode and the JVM cannot clear O_NONBLOCK on it, so the
     * listener is level-triggered and accepts one connection per readiness event: accept() is then only
     * called when a connection is pending and never blocks the event loop, whichever mode the fd has.
     */
    @SuppressWarnings("deprecation")
    private ServerBootstrap bootstrap(EpollServerDomainSocketChannel channel) {
        return new ServerBootstrap().group(group).channelFactory(() -> channel)
                .option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
                .option(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                .option(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                // a client may half-close after its frame and still wait for the answer
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new Admission())
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new Connection());
                    }
                });
    }

    /** Connections currently being served. */
    public int activeConnections() {
        return active.get();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    /** Counts accepted connections on the listener and stops accepting at the limit. */
    private final class Admission extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            Channel server = ctx.channel();
            if (active.incrementAndGet() >= maxConnections) {
                server.config().setAutoRead(false);
            }
            child.closeFuture().addListener(f -> {
                if (active.decrementAndGet() < maxConnections) {
                    server.config().setAutoRead(true);
                }
            });
            ctx.fireChannelRead(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("accept failed (still serving): " + cause.getMessage());
        }
    }

    /** One connection: peer check, one frame, one answer. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final ByteBuf frame = Unpooled.buffer(FwdCodec.SIZE + 1);
        private String peer = "peer=?";
        private boolean answered;
        private ScheduledFuture<?> timer;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            PeerCredentials cred;
            try {
                cred = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
            } catch (IOException e) {
                log.warn("peer refused: cannot read SO_PEERCRED: " + e.getMessage());
                answered = true;
                ctx.close();
                return;
            }
            int gid = cred.gids().length > 0 ? cred.gids()[0] : -1;
            peer = "pid=" + cred.pid() + " uid=" + cred.uid() + " gid=" + gid;
            if (!policy.allows(cred.uid(), gid)) {
                log.warn("peer refused " + peer + ": only " + policy + " may use letmeinfwd");
                answered = true;
                ctx.close();
                return;
            }
            timer = ctx.executor().schedule(() -> {
                if (!answered) {
                    answered = true;
                    log.warn("request refused " + peer + ": no complete request within " + receiveTimeout.toMillis()
                            + " ms (" + frame.readableBytes() + " bytes), connection closed, nothing changed");
                    ctx.close();
                }
            }, receiveTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (answered) {
                    return;
                }
                frame.writeBytes(in, Math.min(in.readableBytes(), FwdCodec.SIZE + 1 - frame.readableBytes()));
                if (frame.readableBytes() > FwdCodec.SIZE || in.isReadable()) {
                    nack(ctx, "oversized frame (more than " + FwdCodec.SIZE + " bytes)");
                } else if (frame.readableBytes() == FwdCodec.SIZE) {
                    handle(ctx);
                }
            } finally {
                in.release();
            }
        }

        private void handle(ChannelHandlerContext ctx) {
            answered = true;
            cancelTimer();
            ctx.channel().config().setAutoRead(false);
            byte[] bytes = new byte[FwdCodec.SIZE];
            frame.readBytes(bytes);
            FwdMessage message;
            try {
                message = FwdCodec.decode(bytes);
            } catch (FwdProtocolException e) {
                nack(ctx, "malformed frame: " + e.getMessage());
                return;
            }
            RequestCheck.Verdict verdict = check.check(message);
            if (verdict instanceof RequestCheck.Refuse r) {
                nack(ctx, r.reason());
                return;
            }
            RequestCheck.Accept a = (RequestCheck.Accept) verdict;
            FwdMessage.Request req = a.request();
            boolean install = req instanceof FwdMessage.Install;
            CompletableFuture<Void> done;
            try {
                done = install ? book.install(req.user(), a.resource(), req.address())
                        : book.revoke(req.user(), a.resource(), req.address());
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            String what = (install ? "install" : "revoke") + " user=" + req.user() + " resource=" + req.resource()
                    + " addr=" + Addresses.text(req.address());
            done.whenComplete((ok, err) -> ctx.executor().execute(() -> {
                if (err == null) {
                    reply(ctx, new FwdMessage.Ack());
                } else {
                    nack(ctx, what + " failed: " + LeaseBook.cause(err).getMessage());
                }
            }));
        }

        private void nack(ChannelHandlerContext ctx, String reason) {
            answered = true;
            cancelTimer();
            log.warn("request refused " + peer + ": " + reason);
            reply(ctx, new FwdMessage.Nack());
        }

        private void reply(ChannelHandlerContext ctx, FwdMessage m) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(FwdCodec.encode(m))).addListener(ChannelFutureListener.CLOSE);
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                if (!answered) {
                    closedEarly();
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancelTimer();
            if (!answered) {
                closedEarly();
            }
            frame.release();
        }

        private void closedEarly() {
            answered = true;
            cancelTimer();
            log.warn("request refused " + peer + ": connection closed after " + frame.readableBytes()
                    + " of " + FwdCodec.SIZE + " bytes, nothing changed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!answered) {
                answered = true;
                log.warn("connection error " + peer + ": " + cause.getMessage());
            }
            ctx.close();
        }
    }
}
