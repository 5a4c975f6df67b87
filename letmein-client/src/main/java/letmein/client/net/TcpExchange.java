package letmein.client.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import letmein.client.plan.Transport;
import letmein.proto.auth.Messages;
import letmein.proto.session.ClientExchange;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;

/**
 * One knock (or revoke) over TCP with one server address: connect, KNOCK/REVOKE → CHALLENGE →
 * RESPONSE → COMEIN on one connection, each step bounded by {@code control-timeout}. What is sent and
 * accepted is the {@link ClientExchange}'s; this class only moves the bytes and words the failures.
 */
public final class TcpExchange {
    private final Messages messages;
    private final Progress progress;

    public TcpExchange(Messages messages, Progress progress) {
        this.messages = messages;
        this.progress = progress;
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
        String where = Replies.describe(server, Transport.TCP);
        int ms = Replies.millis(timeout);
        try (SocketChannel ch = SocketChannel.open()) {
            Socket s = ch.socket();
            if (source != null) {
                s.bind(new InetSocketAddress(source, 0));
            }
            progress.progress("Connecting to " + where + ".");
            try {
                s.connect(server, ms);
            } catch (SocketTimeoutException e) {
                throw Replies.noAnswer("TCP connect to " + where + " got no answer within "
                        + Replies.seconds(timeout));
            } catch (IOException e) {
                throw Replies.connectFailure(where, e);
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout(ms);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            // built after connecting: the socket set-up overlaps with the MAC's one-time start-up on the
            // client's warm-up thread (see letmein.client.Main) instead of waiting behind it
            ClientExchange exchange = new ClientExchange(messages, request, false);
            ClientExchange.Attempt attempt = exchange.attempt();
            Message opening = exchange.opening();
            progress.progress("Sending " + Replies.name(request.operation()) + ".");
            out.write(FrameCodec.encode(opening));
            receive(in, where, timeout, exchange, attempt);
            progress.progress("Sending Response.");
            out.write(FrameCodec.encode(attempt.response()));
            receive(in, where, timeout, exchange, attempt);
            progress.progress(Replies.name(request.operation()) + " sequence successful.");
        } catch (IOException e) {
            throw new KnockException(KnockException.Kind.UNREACHABLE,
                    "communication with " + where + " failed: " + e.getMessage());
        }
    }

    /** Reads one whole reply and has the exchange judge it; returns only if it was the awaited one. */
    private void receive(InputStream in, String where, Duration timeout, ClientExchange exchange,
            ClientExchange.Attempt attempt) throws KnockException, IOException {
        Operation expected = attempt.expected();
        String after = Replies.name(attempt.lastSent());
        progress.progress("Receiving " + Replies.name(expected) + ".");
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
            throw Replies.noAnswer(where + " sent nothing within " + Replies.seconds(timeout) + " after " + after);
        } catch (IOException e) {
            if (got == 0) {
                throw Replies.noAnswer(where + " dropped the connection after " + after + ": " + e.getMessage());
            }
            throw e;
        }
        if (got == 0) {
            throw Replies.noAnswer(where + " closed the connection without a reply after " + after);
        }
        if (got < frame.length) {
            throw new KnockException(KnockException.Kind.BAD_REPLY, "short reply from " + where + ": " + got
                    + " of " + Message.SIZE + " bytes, then the connection closed (is this a letmein server?)");
        }
        Message reply = Replies.decode(frame, where);
        Replies.judge(attempt.onReply(reply), reply, expected, exchange, where, progress);
    }
}
