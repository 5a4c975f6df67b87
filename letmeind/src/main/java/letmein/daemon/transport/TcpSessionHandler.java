package letmein.daemon.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import letmein.daemon.policy.Admission;
import letmein.daemon.policy.UnauthenticatedLog;
import letmein.proto.session.ReasonClass;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;

/**
 * One TCP connection's end of its {@link SessionDriver}: placed after a
 * {@code FixedLengthFrameDecoder(56)}, it hands each frame to the driver and writes what the driver
 * sends. At the end it writes the last reply and closes, with a deadline for a peer that never reads.
 */
final class TcpSessionHandler extends ChannelInboundHandlerAdapter implements SessionDriver.Link {
    private final SessionContext sc;
    private final Admission.Ticket ticket;
    private final UnauthenticatedLog preAuth;
    private SessionDriver driver;
    private ChannelHandlerContext ctx;

    TcpSessionHandler(SessionContext sc, Admission.Ticket ticket, UnauthenticatedLog preAuth) {
        this.sc = sc;
        this.ticket = ticket;
        this.preAuth = preAuth;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        driver = new SessionDriver(sc, sc.newSession(peer, "TCP", false), ticket, ctx.channel().eventLoop(), preAuth);
        driver.start(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (!driver.awaitsMessage()) {
                return; // upstream never reads beyond what the state machine asks for
            }
            byte[] b = new byte[Message.SIZE];
            frame.getBytes(frame.readerIndex(), b);
            driver.onFrame(b);
        } finally {
            frame.release();
        }
    }

    @Override
    public void send(Message reply) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.encode(reply)));
    }

    @Override
    public void awaitingFirewall() {
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public boolean finish(Optional<Message> reply) {
        if (reply.isPresent() && ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.encode(reply.get())))
                    .addListener(ChannelFutureListener.CLOSE);
            // a peer that never reads cannot keep the connection: close after one more step at most
            ScheduledFuture<?> force = ctx.channel().eventLoop().schedule(() -> ctx.channel().close(),
                    sc.controlTimeout().toNanos(), TimeUnit.NANOSECONDS);
            ctx.channel().closeFuture().addListener(f -> force.cancel(false));
            return true;
        }
        ctx.close();
        return false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        driver.onDisconnect();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (driver.awaitsMessage()) {
            driver.abort(ReasonClass.PROTOCOL, "Connection error: " + cause.getMessage());
        } else {
            ctx.close();
        }
    }
}
