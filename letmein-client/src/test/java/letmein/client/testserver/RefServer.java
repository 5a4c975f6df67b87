package letmein.client.testserver;

import java.net.InetAddress;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import letmein.client.cds.LoopbackServer;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.session.FwdResult;
import letmein.proto.session.ReplyPolicy;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * The client tests' stand-in for letmeind (the real daemon lives in another module and needs
 * letmeinfwd): the {@link LoopbackServer}, i.e. letmein-proto's real server-side session over plain
 * sockets, plus knobs to misbehave on the wire (silence, GOAWAY, garbage replies, dropped and lost
 * datagrams). "Opening the firewall" is a callback.
 */
public final class RefServer extends LoopbackServer {
    /** What the server does with a request. */
    public enum Mode {
        /** Follow the protocol; errors get GOAWAY (policy {@code always}). */
        NORMAL,
        /** Follow the protocol under policy {@code basic-auth}: a bad key or unknown user gets silence (TCP: close). */
        STEALTH,
        /** Never answer; TCP connections stay open until the client gives up. */
        SILENT,
        /** Answer the first message with a frame whose magic is wrong. */
        BAD_MAGIC,
        /** Answer the first message with 20 bytes (TCP: then close). */
        SHORT_REPLY,
        /** Always answer GOAWAY. */
        GOAWAY,
        /** Follow the protocol, but name another user and resource in CHALLENGE and COMEIN. */
        MISMATCH
    }

    private final Messages messages = new Messages(new SecureRandomness());
    private volatile Mode mode = Mode.NORMAL;
    private volatile BiConsumer<Operation, InetAddress> onSuccess = (op, a) -> { };
    private final AtomicInteger dropFirstKnocks = new AtomicInteger();
    private volatile boolean restartStaleSessions;
    private double lossIn;
    private double lossOut;
    private final Random lossRandom = new Random(20261123L);

    public RefServer(Map<UserId, Key> keys, Set<ResourceId> resources) {
        super(keys, resources);
    }

    public RefServer mode(Mode m) {
        this.mode = m;
        return this;
    }

    public RefServer onSuccess(BiConsumer<Operation, InetAddress> hook) {
        this.onSuccess = hook;
        return this;
    }

    /** UDP: silently ignore the first {@code n} KNOCK/REVOKE datagrams. */
    public RefServer dropFirstKnocks(int n) {
        dropFirstKnocks.set(n);
        return this;
    }

    /** UDP: drop each received and each sent datagram with these probabilities (seeded, repeatable). */
    public synchronized RefServer loss(double in, double out) {
        this.lossIn = in;
        this.lossOut = out;
        return this;
    }

    /**
     * UDP: a KNOCK/REVOKE that is not a retransmission, arriving in a session still waiting for its
     * RESPONSE, starts a new session instead of ending the old one with GOAWAY. Only for the loss
     * measurement: hundreds of knocks from 127.0.0.1 within seconds make the kernel hand out a source
     * port whose earlier session (RESPONSE lost) is still open, which real clients almost never meet.
     */
    public RefServer restartStaleSessions() {
        this.restartStaleSessions = true;
        return this;
    }

    // ------------------------------------------------------------------ the hooks of LoopbackServer

    @Override
    protected ReplyPolicy policy() {
        return new ReplyPolicy(mode == Mode.STEALTH ? ErrorPolicy.BASIC_AUTH : ErrorPolicy.ALWAYS);
    }

    @Override
    protected byte[] wire(Message reply, boolean datagram) {
        if (datagram && lose(lossOut)) {
            return null;
        }
        Mode m = mode;
        if (m == Mode.SILENT) {
            return null;
        }
        if (m == Mode.BAD_MAGIC) {
            byte[] b = FrameCodec.encode(reply);
            b[0] = 0x12;
            return b;
        }
        if (m == Mode.SHORT_REPLY) {
            return new byte[20];
        }
        if (m == Mode.GOAWAY) {
            return FrameCodec.encode(messages.goAway(Message.UNKNOWN_USER, Message.UNKNOWN_RESOURCE));
        }
        if (m == Mode.MISMATCH && (reply.operation() == Operation.CHALLENGE || reply.operation() == Operation.COMEIN)) {
            return FrameCodec.encode(new Message(reply.operation(), new UserId(reply.user().value() + 1),
                    new ResourceId(reply.resource().value() + 1), reply.salt(), reply.auth()));
        }
        return FrameCodec.encode(reply);
    }

    @Override
    protected boolean endsAfter(Message reply) {
        Mode m = mode;
        return m == Mode.BAD_MAGIC || m == Mode.SHORT_REPLY || m == Mode.GOAWAY;
    }

    @Override
    protected boolean dropDatagram(byte[] frame, boolean newPeer) {
        if (lose(lossIn)) {
            return true;
        }
        return newPeer && isOpening(frame) && dropFirstKnocks.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    @Override
    protected boolean restartsWaitingSessions() {
        return restartStaleSessions;
    }

    @Override
    protected FwdResult forward(FwdMessage.Request request) {
        FwdResult counted = super.forward(request);
        onSuccess.accept(request instanceof FwdMessage.Install ? Operation.KNOCK : Operation.REVOKE,
                request.address());
        return counted;
    }

    private synchronized boolean lose(double p) {
        return p > 0 && lossRandom.nextDouble() < p;
    }
}
