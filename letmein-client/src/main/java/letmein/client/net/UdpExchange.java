package letmein.client.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import letmein.client.plan.Family;
import letmein.client.plan.Transport;
import letmein.proto.auth.Messages;
import letmein.proto.session.ClientExchange;
import letmein.proto.session.ClientExchange.Phase;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;

/**
 * One knock (or revoke) over UDP with one server address. The whole exchange is bounded by
 * {@code control-timeout}; because datagrams get lost, a fresh attempt (new socket, so a new server
 * session) starts whenever no reply came within a short, growing gap ({@link RetryPolicy}), while the
 * earlier attempts keep listening and a late reply still counts. Only one attempt at a time sends its
 * RESPONSE (the others wait, challenged), so a lossy link does not open the port several times over.
 * An attempt whose COMEIN does not come within the gap also sends its RESPONSE again, the same bytes on
 * the same socket (at most {@link #RESENDS} times): letmeind answers such a repeat with the reply it
 * already sent, and opens nothing twice. A server that has forgotten the session (upstream letmeind)
 * stays silent or answers with a GOAWAY that names no user and resource; that ends only this attempt.
 * What is sent and accepted is the {@link ClientExchange}'s; this class moves the datagrams and times them.
 */
public final class UdpExchange {
    private final Messages messages;
    private final Ticker ticker;
    private final Progress progress;
    private final RetryPolicy retry;
    /** How often one attempt sends its RESPONSE again while waiting for COMEIN. */
    static final int RESENDS = 8;
    /** Sends this host's own firewall refused (EPERM) during one {@link #run}: lost datagrams, counted. */
    private static final class RefusedSends {
        int count;
    }

    public UdpExchange(Messages messages, Ticker ticker, Progress progress, RetryPolicy retry) {
        this.messages = messages;
        this.ticker = ticker;
        this.progress = progress;
        this.retry = retry;
    }

    /** One attempt: its own socket, hence its own server session. */
    private static final class Attempt {
        final DatagramChannel channel;
        final int number;
        final ClientExchange.Attempt state;
        long since;
        /** The RESPONSE as sent (for sending it again), when and how often it was sent again. */
        ByteBuffer response;
        long resendAt;
        int resent;

        Attempt(DatagramChannel channel, int number, ClientExchange.Attempt state) {
            this.channel = channel;
            this.number = number;
            this.state = state;
        }

        Phase phase() {
            return state.phase();
        }
    }

    /** Completes the exchange or throws saying why it did not. */
    public void run(InetSocketAddress server, ClientExchange.Request request, Duration timeout)
            throws KnockException {
        run(server, null, request, timeout);
    }

    /**
     * As {@link #run(InetSocketAddress, ClientExchange.Request, Duration)}, from the local address
     * {@code source} (null: the system picks; the lab load tool knocks from many sources).
     */
    public void run(InetSocketAddress server, InetAddress source, ClientExchange.Request request, Duration timeout)
            throws KnockException {
        String where = Replies.describe(server, Transport.UDP);
        ClientExchange exchange = new ClientExchange(messages, request, true);
        ByteBuffer opening = ByteBuffer.wrap(FrameCodec.encode(exchange.opening()));
        long start = ticker.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Attempt> attempts = new ArrayList<>();
        KnockException badReply = null;
        RefusedSends refused = new RefusedSends();
        ByteBuffer buf = ByteBuffer.allocate(2048);
        try (Selector selector = Selector.open()) {
            long gap = retry.firstGap().toNanos();
            long nextLaunch = start;
            while (true) {
                long now = ticker.nanoTime();
                if (now >= deadline) {
                    break;
                }
                long resendWake = Long.MAX_VALUE;
                for (Attempt a : attempts) {
                    if (a.phase() == Phase.AWAIT_COMEIN && a.response != null && a.resent < RESENDS) {
                        if (now >= a.resendAt) {
                            resend(a, where, refused);
                            a.resendAt = now + gap;
                        }
                        resendWake = Math.min(resendWake, a.resendAt);
                    }
                }
                long busyUntil = Long.MIN_VALUE;
                Attempt challenged = null;
                for (Attempt a : attempts) {
                    if (a.phase() == Phase.AWAIT_COMEIN && now - a.since < gap) {
                        busyUntil = Math.max(busyUntil, a.since + gap);
                    }
                    if (a.phase() == Phase.CHALLENGED && challenged == null) {
                        challenged = a;
                    }
                }
                boolean busy = busyUntil != Long.MIN_VALUE;
                if (!busy && challenged != null) {
                    respond(challenged, where, now, gap, refused);
                    nextLaunch = Math.max(nextLaunch, now + gap);
                    continue;
                }
                if (!busy && now >= nextLaunch) {
                    attempts.add(launch(server, source, where, opening.duplicate(), attempts.size() + 1, selector,
                            exchange, refused));
                    nextLaunch = now + gap;
                    gap = retry.next(gap);
                }
                long wake = Math.min(Math.min(deadline, busy ? busyUntil : nextLaunch), resendWake);
                long waitMs = Math.max(1, (wake - ticker.nanoTime() + 999_999) / 1_000_000);
                selector.select(waitMs);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Attempt a = (Attempt) key.attachment();
                    try {
                        if (receive(a, buf, where, exchange)) {
                            if (a.phase() == Phase.DONE) {
                                progress.progress(Replies.name(request.operation())
                                        + " sequence successful (UDP attempt " + a.number + " of " + attempts.size()
                                        + ").");
                                return;
                            }
                            if (a.phase() == Phase.CHALLENGED
                                    && !anyAwaitingComeIn(attempts, ticker.nanoTime(), gap)) {
                                respond(a, where, ticker.nanoTime(), gap, refused);
                                nextLaunch = Math.max(nextLaunch, ticker.nanoTime() + gap);
                            }
                        }
                    } catch (KnockException e) {
                        if (e.kind() != KnockException.Kind.BAD_REPLY) {
                            throw e;
                        }
                        badReply = e; // this attempt is lost; the others may still succeed
                        a.state.abandon();
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
        if (refused.count > 0) {
            throw new KnockException(KnockException.Kind.UNREACHABLE, "no complete exchange with " + where + " within "
                    + Replies.seconds(timeout) + ": this host refused to send " + refused.count + " of the datagrams"
                    + " (Operation not permitted: a local firewall rule or a full connection-tracking table?)");
        }
        throw Replies.noAnswer(where + " sent no complete exchange within " + Replies.seconds(timeout) + ", "
                + attempts.size() + " attempt" + (attempts.size() == 1 ? "" : "s"));
    }

    private static boolean anyAwaitingComeIn(List<Attempt> attempts, long now, long gap) {
        for (Attempt a : attempts) {
            if (a.phase() == Phase.AWAIT_COMEIN && now - a.since < gap) {
                return true;
            }
        }
        return false;
    }

    private Attempt launch(InetSocketAddress server, InetAddress source, String where, ByteBuffer opening,
            int number, Selector selector, ClientExchange exchange, RefusedSends refused) throws KnockException {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(Family.of(server.getAddress()).protocolFamily());
            if (source != null) {
                ch.bind(new InetSocketAddress(source, 0));
            }
            ch.connect(server);
            ch.configureBlocking(false);
            Attempt a = new Attempt(ch, number, exchange.attempt());
            ch.register(selector, SelectionKey.OP_READ, a);
            progress.progress((number == 1 ? "Sending " : "No reply yet; attempt " + number + ": sending ")
                    + Replies.name(exchange.request().operation()) + " to " + where + ".");
            write(ch, opening, refused);
            return a;
        } catch (PortUnreachableException e) {
            close(ch);
            throw refused(where);
        } catch (IOException e) {
            close(ch);
            throw new KnockException(KnockException.Kind.UNREACHABLE, "cannot reach " + where + ": " + e.getMessage());
        }
    }

    /** Sends the attempt's RESPONSE once more (its COMEIN, or the RESPONSE itself, may have been lost). */
    private void resend(Attempt a, String where, RefusedSends refused) throws KnockException {
        a.resent++;
        progress.progress("No Come-in yet; sending the Response again (UDP attempt " + a.number + ").");
        sendResponse(a, where, refused);
    }

    /** Sends the attempt's RESPONSE (first time or again). */
    private void sendResponse(Attempt a, String where, RefusedSends refused) throws KnockException {
        try {
            write(a.channel, a.response.duplicate(), refused);
        } catch (PortUnreachableException e) {
            throw refused(where);
        } catch (IOException e) {
            throw new KnockException(KnockException.Kind.UNREACHABLE, "sending to " + where + " failed: "
                    + e.getMessage());
        }
    }

    /**
     * Sends one datagram. A send this host's own netfilter drops fails with EPERM; that is a lost datagram
     * like any other (a rate limit or a full connection-tracking table may pass the next one), so it is
     * counted and the exchange goes on; every other failure ends it.
     */
    private static void write(DatagramChannel ch, ByteBuffer datagram, RefusedSends refused) throws IOException {
        try {
            ch.write(datagram);
        } catch (PortUnreachableException e) {
            throw e;
        } catch (IOException e) {
            if (!"Operation not permitted".equals(e.getMessage())) {
                throw e;
            }
            refused.count++;
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

    private static KnockException refused(String where) {
        return new KnockException(KnockException.Kind.REFUSED, "connection refused by " + where
                + " (ICMP port unreachable): nothing listens there (is letmeind running, with this control port"
                + " and UDP enabled?)");
    }

    /** Reads what is queued on {@code a}; returns true if its phase changed. */
    private boolean receive(Attempt a, ByteBuffer buf, String where, ClientExchange exchange)
            throws KnockException {
        boolean changed = false;
        while (a.phase() != Phase.DONE) {
            buf.clear();
            int n;
            try {
                n = a.channel.read(buf);
            } catch (PortUnreachableException e) {
                throw refused(where);
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
            if (a.phase() == Phase.CHALLENGED) {
                continue; // further datagrams before we answer are duplicates of the CHALLENGE
            }
            byte[] frame = new byte[n];
            buf.flip();
            buf.get(frame);
            Message reply = Replies.decode(frame, where);
            if (a.resent > 0 && reply.operation() == Operation.GOAWAY && !exchange.namesRequestedIds(reply)) {
                // a server that forgot the session took the repeated RESPONSE for a new one: this attempt is over
                progress.progress("UDP attempt " + a.number + ": the server no longer knows this exchange.");
                a.state.abandon();
                return true;
            }
            Operation expected = a.state.expected();
            ClientExchange.Verdict verdict = a.state.onReply(reply);
            if (verdict == ClientExchange.Verdict.REPEAT) {
                continue; // a duplicate CHALLENGE of this session: already answered
            }
            progress.progress("Receiving " + Replies.name(expected) + " (UDP attempt " + a.number + ").");
            Replies.judge(verdict, reply, expected, exchange, where, progress);
            changed = true;
            if (a.phase() == Phase.DONE) {
                return true;
            }
        }
        return changed;
    }

    private void respond(Attempt a, String where, long now, long gap, RefusedSends refused) throws KnockException {
        progress.progress("Sending Response (UDP attempt " + a.number + ").");
        a.response = ByteBuffer.wrap(FrameCodec.encode(a.state.response()));
        a.resendAt = now + gap;
        sendResponse(a, where, refused);
        a.since = now;
    }
}
