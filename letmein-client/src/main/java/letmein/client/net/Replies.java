package letmein.client.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import letmein.client.plan.Family;
import letmein.client.plan.Transport;
import letmein.proto.net.Addresses;
import letmein.proto.session.ClientExchange;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;

/**
 * What the TCP and the UDP exchange say alike: a reply judged by the {@link ClientExchange} turned into a
 * {@link KnockException} in an administrator's words, the names of addresses, steps and durations.
 * Plain static methods and if-chains (no enum switch, no lambda): this runs on every knock.
 */
final class Replies {
    private Replies() {
    }

    /** {@code 127.0.0.1:5800/TCP}, {@code [::1]:5800/UDP}. */
    static String describe(InetSocketAddress server, Transport transport) {
        String host = Addresses.text(server.getAddress());
        return (Family.of(server.getAddress()) == Family.IPV6 ? "[" + host + "]" : host) + ":" + server.getPort()
                + "/" + transport;
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0);
    }

    /** A socket timeout in milliseconds, at least 1 (0 would mean "forever"). */
    static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /** The step names of the progress lines and messages: {@code Knock}, {@code ComeIn}, … */
    static String name(Operation op) {
        if (op == Operation.KNOCK) {
            return "Knock";
        }
        if (op == Operation.CHALLENGE) {
            return "Challenge";
        }
        if (op == Operation.RESPONSE) {
            return "Response";
        }
        if (op == Operation.COMEIN) {
            return "ComeIn";
        }
        if (op == Operation.GOAWAY) {
            return "GoAway";
        }
        return "Revoke";
    }

    /** Decodes one 56-byte reply; bytes that are no message are a {@link KnockException.Kind#BAD_REPLY}. */
    static Message decode(byte[] frame, String where) throws KnockException {
        try {
            return FrameCodec.decode(frame);
        } catch (ProtocolException e) {
            throw new KnockException(KnockException.Kind.BAD_REPLY, "invalid reply from " + where + ": "
                    + e.getMessage() + " (is this a letmein server?)");
        }
    }

    /**
     * Acts on the exchange's verdict on {@code reply}, which answered a wait for {@code expected}:
     * returns normally for an accepted reply (warning if it names other ids), throws for the others.
     * A {@link ClientExchange.Verdict#REPEAT} must be filtered out by the caller before.
     */
    static void judge(ClientExchange.Verdict verdict, Message reply, Operation expected, ClientExchange exchange,
            String where, Progress progress) throws KnockException {
        if (verdict == ClientExchange.Verdict.REJECTED) {
            throw new KnockException(KnockException.Kind.REJECTED, "rejected: the server at " + where
                    + " answered GOAWAY (unknown user or resource, wrong key, resource not allowed for user "
                    + exchange.request().user() + ", or a firewall error on the server; its log says which)");
        }
        if (verdict != ClientExchange.Verdict.ACCEPTED) {
            throw new KnockException(KnockException.Kind.BAD_REPLY, "Invalid reply message operation from "
                    + where + ": expected " + name(expected) + ", got " + name(reply.operation()));
        }
        if (!exchange.namesRequestedIds(reply)) {
            progress.warn("the " + name(expected) + " from " + where + " names user " + reply.user() + " resource "
                    + reply.resource() + ", but we asked for user " + exchange.request().user() + " resource "
                    + exchange.request().resource());
        }
    }

    /** A TCP connect that failed: refused (nothing listens) or unreachable. */
    static KnockException connectFailure(String where, IOException e) {
        String m = String.valueOf(e.getMessage());
        if (e instanceof ConnectException && m.toLowerCase(java.util.Locale.ROOT).contains("refused")) {
            return new KnockException(KnockException.Kind.REFUSED, "connection refused by " + where
                    + ": nothing listens there (is letmeind running, with this control port and transport?)");
        }
        return new KnockException(KnockException.Kind.UNREACHABLE, "cannot reach " + where + ": " + m);
    }

    /** The exchange ran out of time (or the peer went quiet): the stealth policies look exactly like this. */
    static KnockException noAnswer(String detail) {
        return new KnockException(KnockException.Kind.NO_ANSWER, KnockException.STEALTH_HINT + " (" + detail + ")");
    }
}
