package letmein.client.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import letmein.client.plan.Family;
import letmein.client.plan.Transport;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Runs one knock (or revoke) exchange with one server address over plain {@code java.nio} channels:
 * KNOCK/REVOKE → CHALLENGE → RESPONSE → COMEIN. TCP bounds every step by {@code control-timeout}.
 * UDP bounds the whole exchange by {@code control-timeout} and, because datagrams get lost,
 * starts a fresh attempt (new socket, so a new server session) whenever no reply arrived within a
 * short, growing gap, while earlier attempts keep listening ({@link RetryPolicy}).
 */
public final class Knocker {
    /** What to send: the opening operation (KNOCK or REVOKE) and the ids and key it is signed with. */
    public record Exchange(Operation operation, Key key, UserId user, ResourceId resource) {
        public Exchange {
            if (!operation.opensSession()) {
                throw new IllegalArgumentException(operation + " does not open a session");
            }
            Objects.requireNonNull(key);
            Objects.requireNonNull(user);
            Objects.requireNonNull(resource);
        }
    }

    private final Messages messages;
    private final Ticker ticker;
    private final Diagnostics diag;
    private final RetryPolicy retry;

    public Knocker(Messages messages, Ticker ticker, Diagnostics diag, RetryPolicy retry) {
        this.messages = messages;
        this.ticker = ticker;
        this.diag = diag;
        this.retry = retry;
    }

    /** Completes the exchange or throws saying why it did not. */
    public void run(InetSocketAddress server, Transport transport, Exchange ex, Duration timeout)
            throws KnockException {
        if (transport == Transport.TCP) {
            tcp(server, ex, timeout);
        } else {
            udp(server, ex, timeout);
        }
    }

    /** {@code 127.0.0.1:5800/TCP}, {@code [::1]:5800/UDP}. */
    public static String describe(InetSocketAddress server, Transport transport) {
        String host = letmein.proto.net.Addresses.text(server.getAddress());
        return (Family.of(server.getAddress()) == Family.IPV6 ? "[" + host + "]" : host) + ":" + server.getPort()
                + "/" + transport;
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0);
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    // ---------------------------------------------------------------- TCP

    private void tcp(InetSocketAddress server, Exchange ex, Duration timeout) throws KnockException {
        String where = describe(server, Transport.TCP);
        int ms = millis(timeout);
        try (SocketChannel ch = SocketChannel.open()) {
            Socket s = ch.socket();
            diag.progress("Connecting to " + where + ".");
            try {
                s.connect(server, ms);
            } catch (SocketTimeoutException e) {
                throw new KnockException(KnockException.Kind.NO_ANSWER, KnockException.STEALTH_HINT
                        + " (TCP connect to " + where + " got no answer within " + seconds(timeout) + ")");
            } catch (IOException e) {
                throw connectFailure(where, e);
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout(ms);
            InputStream in = s.getInputStream();
            // built after connecting: the socket set-up overlaps with the MAC's one-time start-up on the
            // client's warm-up thread (see Main) instead of waiting behind it
            Message opening = messages.opening(ex.operation(), ex.key(), ex.user(), ex.resource());
            diag.progress("Sending " + name(ex.operation()) + ".");
            s.getOutputStream().write(FrameCodec.encode(opening));
            Message challenge = receive(in, where, timeout, ex, Operation.CHALLENGE, ex.operation());
            diag.progress("Sending Response.");
            s.getOutputStream().write(FrameCodec.encode(
                    messages.response(ex.key(), ex.user(), ex.resource(), challenge.auth())));
            receive(in, where, timeout, ex, Operation.COMEIN, Operation.RESPONSE);
            diag.progress(name(ex.operation()) + " sequence successful.");
        } catch (IOException e) {
            throw new KnockException(KnockException.Kind.UNREACHABLE,
                    "communication with " + where + " failed: " + e.getMessage());
        }
    }

    static KnockException connectFailure(String where, IOException e) {
        String m = String.valueOf(e.getMessage());
        if (e instanceof ConnectException && m.toLowerCase(java.util.Locale.ROOT).contains("refused")) {
            return new KnockException(KnockException.Kind.REFUSED, "connection refused by " + where
                    + ": nothing listens there (is letmeind running, with this control port and transport?)");
        }
        return new KnockException(KnockException.Kind.UNREACHABLE, "cannot reach " + where + ": " + m);
    }

    private Message receive(InputStream in, String where, Duration timeout, Exchange ex, Operation expected,
            Operation after) throws KnockException, IOException {
        diag.progress("Receiving " + name(expected) + ".");
        byte[] frame = new byte[Message.SIZE];
        int got = 0;
        try {
            while (got < frame.length) {
                int n = in.read(frame, got, frame.length - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
        } catch (SocketTimeoutException e) {
            throw new KnockException(KnockException.Kind.NO_ANSWER, KnockException.STEALTH_HINT + " ("
                    + where + " sent nothing within " + seconds(timeout) + " after " + name(after) + ")");
        } catch (IOException e) {
            if (got == 0) {
                throw new KnockException(KnockException.Kind.NO_ANSWER, KnockException.STEALTH_HINT + " ("
                        + where + " dropped the connection after " + name(after) + ": " + e.getMessage() + ")");
            }
            throw e;
        }
        if (got == 0) {
            throw new KnockException(KnockException.Kind.NO_ANSWER, KnockException.STEALTH_HINT + " (" + where
                    + " closed the connection without a reply after " + name(after) + ")");
        }
        if (got < frame.length) {
            throw new KnockException(KnockException.Kind.BAD_REPLY, "short reply from " + where + ": " + got
                    + " of " + Message.SIZE + " bytes, then the connection closed (is this a letmein server?)");
        }
        return check(frame, where, ex, expected);
    }

    /** Decodes a reply and checks that it is {@code expected}; GOAWAY means rejected. */
    private Message check(byte[] frame, String where, Exchange ex, Operation expected) throws KnockException {
        Message m;
        try {
            m = FrameCodec.decode(frame);
        } catch (ProtocolException e) {
            throw new KnockException(KnockException.Kind.BAD_REPLY, "invalid reply from " + where + ": "
                    + e.getMessage() + " (is this a letmein server?)");
        }
        if (m.operation() == Operation.GOAWAY) {
            throw new KnockException(KnockException.Kind.REJECTED, "rejected: the server at " + where
                    + " answered GOAWAY (unknown user or resource, wrong key, resource not allowed for user "
                    + ex.user() + ", or a firewall error on the server; its log says which)");
        }
        if (m.operation() != expected) {
            throw new KnockException(KnockException.Kind.BAD_REPLY, "Invalid reply message operation from "
                    + where + ": expected " + name(expected) + ", got " + name(m.operation()));
        }
        if (!m.user().equals(ex.user()) || !m.resource().equals(ex.resource())) {
            diag.warn("the " + name(expected) + " from " + where + " names user " + m.user() + " resource "
                    + m.resource() + ", but we asked for user " + ex.user() + " resource " + ex.resource());
        }
        return m;
    }

    private static String name(Operation op) {
        switch (op) {
            case KNOCK: return "Knock";
            case CHALLENGE: return "Challenge";
            case RESPONSE: return "Response";
            case COMEIN: return "ComeIn";
            case GOAWAY: return "GoAway";
            case REVOKE: return "Revoke";
            default: throw new AssertionError(op);
        }
    }

    // ---------------------------------------------------------------- UDP

    private enum State { AWAIT_CHALLENGE, PARKED, AWAIT_COMEIN, DONE }

    /** One attempt: its own socket, hence its own server session. */
    private static final class Attempt {
        final DatagramChannel channel;
        final int number;
        State state = State.AWAIT_CHALLENGE;
        byte[] nonce;
        long since;

        Attempt(DatagramChannel channel, int number) {
            this.channel = channel;
            this.number = number;
        }
    }

    private void udp(InetSocketAddress server, Exchange ex, Duration timeout) throws KnockException {
        String where = describe(server, Transport.UDP);
        ByteBuffer knock = ByteBuffer.wrap(FrameCodec.encode(
                messages.opening(ex.operation(), ex.key(), ex.user(), ex.resource())));
        long start = ticker.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Attempt> attempts = new ArrayList<>();
        KnockException badReply = null;
        ByteBuffer buf = ByteBuffer.allocate(2048);
        try (Selector selector = Selector.open()) {
            long gap = retry.firstGap().toNanos();
            long nextLaunch = start;
            while (true) {
                long now = ticker.nanoTime();
                if (now >= deadline) {
                    break;
                }
                long busyUntil = Long.MIN_VALUE;
                Attempt parked = null;
                for (Attempt a : attempts) {
                    if (a.state == State.AWAIT_COMEIN && now - a.since < gap) {
                        busyUntil = Math.max(busyUntil, a.since + gap);
                    }
                    if (a.state == State.PARKED && parked == null) {
                        parked = a;
                    }
                }
                boolean busy = busyUntil != Long.MIN_VALUE;
                if (!busy && parked != null) {
                    respond(parked, ex, where, now);
                    nextLaunch = Math.max(nextLaunch, now + gap);
                    continue;
                }
                if (!busy && now >= nextLaunch) {
                    Attempt a = launch(server, where, knock.duplicate(), attempts.size() + 1, selector, ex);
                    attempts.add(a);
                    nextLaunch = now + gap;
                    gap = retry.next(gap);
                }
                long wake = Math.min(deadline, busy ? busyUntil : nextLaunch);
                long waitMs = Math.max(1, (wake - ticker.nanoTime() + 999_999) / 1_000_000);
                selector.select(waitMs);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Attempt a = (Attempt) key.attachment();
                    try {
                        if (receive(a, buf, where, ex)) {
                            if (a.state == State.DONE) {
                                diag.progress(name(ex.operation()) + " sequence successful (UDP attempt "
                                        + a.number + " of " + attempts.size() + ").");
                                return;
                            }
                            if (a.state == State.PARKED && !anyAwaitingComeIn(attempts, ticker.nanoTime(), gap)) {
                                respond(a, ex, where, ticker.nanoTime());
                                nextLaunch = Math.max(nextLaunch, ticker.nanoTime() + gap);
                            }
                        }
                    } catch (KnockException e) {
                        if (e.kind() != KnockException.Kind.BAD_REPLY) {
                            throw e;
                        }
                        badReply = e;
                        a.state = State.DONE;
                        key.cancel();
                        a.channel.close();
                    }
                }
            }
        } catch (IOException e) {
            throw new KnockException(KnockException.Kind.UNREACHABLE,
                    "communication with " + where + " failed: " + e.getMessage());
        } finally {
            for (Attempt a : attempts) {
                try {
                    a.channel.close();
                } catch (IOException ignored) {
                    // closing a datagram socket cannot lose data; nothing to report
                }
            }
        }
        if (badReply != null) {
            throw badReply;
        }
        throw new KnockException(KnockException.Kind.NO_ANSWER, KnockException.STEALTH_HINT + " (" + where
                + " sent no complete exchange within " + seconds(timeout) + ", " + attempts.size()
                + " attempt" + (attempts.size() == 1 ? "" : "s") + ")");
    }

    private static boolean anyAwaitingComeIn(List<Attempt> attempts, long now, long gap) {
        for (Attempt a : attempts) {
            if (a.state == State.AWAIT_COMEIN && now - a.since < gap) {
                return true;
            }
        }
        return false;
    }

    private Attempt launch(InetSocketAddress server, String where, ByteBuffer knock, int number, Selector selector,
            Exchange ex) throws KnockException {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(Family.of(server.getAddress()).protocolFamily());
            ch.connect(server);
            ch.configureBlocking(false);
            Attempt a = new Attempt(ch, number);
            ch.register(selector, SelectionKey.OP_READ, a);
            diag.progress((number == 1 ? "Sending " : "No reply yet; attempt " + number + ": sending ")
                    + name(ex.operation()) + " to " + where + ".");
            ch.write(knock);
            return a;
        } catch (PortUnreachableException e) {
            close(ch);
            throw refusedUdp(where);
        } catch (IOException e) {
            close(ch);
            throw new KnockException(KnockException.Kind.UNREACHABLE, "cannot reach " + where + ": " + e.getMessage());
        }
    }

    private static void close(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was sent or received on it that could be lost
            }
        }
    }

    private static KnockException refusedUdp(String where) {
        return new KnockException(KnockException.Kind.REFUSED, "connection refused by " + where
                + " (ICMP port unreachable): nothing listens there (is letmeind running, with this control port"
                + " and UDP enabled?)");
    }

    /** Reads what is queued on {@code a}; returns true if its state changed. */
    private boolean receive(Attempt a, ByteBuffer buf, String where, Exchange ex) throws KnockException {
        boolean changed = false;
        while (a.state != State.DONE) {
            buf.clear();
            int n;
            try {
                n = a.channel.read(buf);
            } catch (PortUnreachableException e) {
                throw refusedUdp(where);
            } catch (IOException e) {
                throw new KnockException(KnockException.Kind.UNREACHABLE, "receiving from " + where + " failed: "
                        + e.getMessage());
            }
            if (n <= 0) {
                return changed;
            }
            if (n != Message.SIZE) {
                throw new KnockException(KnockException.Kind.BAD_REPLY, "invalid reply from " + where + ": a "
                        + n + "-byte datagram (a letmein message has " + Message.SIZE + " bytes; is this a letmein"
                        + " server?)");
            }
            byte[] frame = new byte[n];
            buf.flip();
            buf.get(frame);
            if (a.state == State.AWAIT_CHALLENGE) {
                diag.progress("Receiving Challenge (UDP attempt " + a.number + ").");
                Message m = check(frame, where, ex, Operation.CHALLENGE);
                a.nonce = m.auth();
                a.state = State.PARKED;
                changed = true;
            } else if (a.state == State.AWAIT_COMEIN) {
                Message m = peek(frame);
                if (m != null && m.operation() == Operation.CHALLENGE) {
                    continue; // a duplicate CHALLENGE of this session: already answered
                }
                diag.progress("Receiving ComeIn (UDP attempt " + a.number + ").");
                check(frame, where, ex, Operation.COMEIN);
                a.state = State.DONE;
                return true;
            }
            // PARKED: further datagrams before we answer are duplicates; ignore them.
        }
        return changed;
    }

    private static Message peek(byte[] frame) {
        try {
            return FrameCodec.decode(frame);
        } catch (ProtocolException e) {
            return null;
        }
    }

    private void respond(Attempt a, Exchange ex, String where, long now) throws KnockException {
        diag.progress("Sending Response (UDP attempt " + a.number + ").");
        try {
            a.channel.write(ByteBuffer.wrap(FrameCodec.encode(
                    messages.response(ex.key(), ex.user(), ex.resource(), a.nonce))));
        } catch (PortUnreachableException e) {
            throw refusedUdp(where);
        } catch (IOException e) {
            throw new KnockException(KnockException.Kind.UNREACHABLE, "sending to " + where + " failed: "
                    + e.getMessage());
        }
        a.state = State.AWAIT_COMEIN;
        a.since = now;
    }

}
