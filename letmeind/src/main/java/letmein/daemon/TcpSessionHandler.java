package letmein.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.ProtocolException;

/**
 * Moves 56-byte frames between one TCP connection and its {@link Session}; placed after a
 * {@code FixedLengthFrameDecoder(56)}. Enforces the per-step control-timeout and returns the
 * admission ticket exactly once when the session is over.
 */
final class TcpSessionHandler extends ChannelInboundHandlerAdapter {
    private final SessionContext sc;
    private final Admission.Ticket ticket;
    private Session session;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean ended;

    TcpSessionHandler(SessionContext sc, Admission.Ticket ticket) {
        this.sc = sc;
        this.ticket = ticket;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.session = sc.newSession((InetSocketAddress) ctx.channel().remoteAddress(), "TCP", false);
        arm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (ended || !session.awaitsMessage()) {
                return; // upstream never reads beyond what the state machine asks for
            }
            Message m;
            try {
                m = FrameCodec.decode(frame.nioBuffer());
            } catch (ProtocolException e) {
                apply(session.onUndecodable(e.getMessage()));
                return;
            }
            apply(session.onMessage(m));
        } finally {
            frame.release();
        }
    }

    private void apply(Step step) {
        if (step instanceof Step.Send) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.encode(((Step.Send) step).reply())));
            arm();
        } else if (step instanceof Step.Forward) {
            cancelTimer();
            ctx.channel().config().setAutoRead(false);
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
        sc.log().line(end.decision().logLine());
        sc.admission().release(ticket);
        if (end.reply().isPresent() && ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.encode(end.reply().get())))
                    .addListener(ChannelFutureListener.CLOSE);
            // a peer that never reads cannot keep the connection: close after one more step at most
            ScheduledFuture<?> force = ctx.channel().eventLoop().schedule(() -> ctx.channel().close(),
                    sc.controlTimeout().toNanos(), TimeUnit.NANOSECONDS);
            ctx.channel().closeFuture().addListener(f -> force.cancel(false));
        } else {
            ctx.close();
        }
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ended && session.awaitsMessage()) {
            apply(session.onDisconnect());
        }
        // during AWAIT_FWD the firewall request is in flight: its result still ends (and logs) the session
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ended && session.awaitsMessage()) {
            apply(session.onAbort("Connection error: " + cause.getMessage()));
        } else {
            ctx.close();
        }
    }
}
