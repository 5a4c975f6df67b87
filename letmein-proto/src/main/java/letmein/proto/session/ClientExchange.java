package letmein.proto.session;

import java.util.Objects;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * The client side of one knock (or revoke), as pure logic: which opening message to send, which replies
 * to accept in which order, and how to build the RESPONSE. No I/O: the client's TCP and UDP exchanges,
 * and the lab load tool, move the bytes and time the steps; {@link Session} is the server side of the
 * same exchange (docs/PROTOCOL.md).
 *
 * <p>One knock may need several {@link Attempt}s (UDP starts a fresh attempt when datagrams are lost),
 * each one server session; every attempt sends the same opening message. Not thread-safe.
 */
public final class ClientExchange {
    /** What the client asks for: the opening operation (KNOCK or REVOKE) and the ids and key it is signed with. */
    public record Request(Operation operation, Key key, UserId user, ResourceId resource) {
        public Request {
            if (!operation.opensSession()) {
                throw new IllegalArgumentException(operation + " does not open a session");
            }
            Objects.requireNonNull(key);
            Objects.requireNonNull(user);
            Objects.requireNonNull(resource);
        }
    }

    /** Where one attempt stands. */
    public enum Phase {
        /** The opening message is (about to be) sent; the server's CHALLENGE is next. */
        AWAIT_CHALLENGE,
        /** CHALLENGE accepted; the RESPONSE has not been built yet ({@link Attempt#response()}). */
        CHALLENGED,
        /** RESPONSE built; the server's COMEIN is next. */
        AWAIT_COMEIN,
        /** Over: accepted COMEIN, or a reply that ends the exchange. */
        DONE
    }

    /** What a reply means for the attempt that received it. */
    public enum Verdict {
        /** The reply the attempt waited for: CHALLENGE (build the RESPONSE next) or COMEIN (success). */
        ACCEPTED,
        /** A repeat that changes nothing (a duplicated datagram); ignore it. */
        REPEAT,
        /** GOAWAY: the server refused. */
        REJECTED,
        /** Any other operation: not a valid answer at this point. */
        UNEXPECTED
    }

    private final Messages messages;
    private final Request request;
    private final boolean datagrams;
    private Message opening;

    /**
     * @param datagrams true over UDP, where a CHALLENGE may arrive twice (the server answers a
     *                  retransmitted opening with the same CHALLENGE) and the repeat must be ignored
     */
    public ClientExchange(Messages messages, Request request, boolean datagrams) {
        this.messages = Objects.requireNonNull(messages);
        this.request = Objects.requireNonNull(request);
        this.datagrams = datagrams;
    }

    public Request request() {
        return request;
    }

    /** The KNOCK or REVOKE, built (fresh salt, MAC with the zero challenge) on the first call, the same after. */
    public Message opening() {
        if (opening == null) {
            opening = messages.opening(request.operation(), request.key(), request.user(), request.resource());
        }
        return opening;
    }

    /** A new attempt: one server session (one TCP connection, one UDP socket). */
    public Attempt attempt() {
        return new Attempt();
    }

    /** True if {@code reply} names the user and resource this exchange asked for (a mismatch is only worth a warning). */
    public boolean namesRequestedIds(Message reply) {
        return reply.user().equals(request.user()) && reply.resource().equals(request.resource());
    }

    /** The state of one attempt: what it expects next and the nonce it must answer. */
    public final class Attempt {
        private Phase phase = Phase.AWAIT_CHALLENGE;
        private byte[] nonce;

        private Attempt() {
        }

        public Phase phase() {
            return phase;
        }

        /** The operation this attempt waits for: CHALLENGE or COMEIN. */
        public Operation expected() {
            return phase == Phase.AWAIT_COMEIN ? Operation.COMEIN : Operation.CHALLENGE;
        }

        /** The message this attempt's last step sent: the opening, or RESPONSE once built. */
        public Operation lastSent() {
            return phase == Phase.AWAIT_COMEIN ? Operation.RESPONSE : request.operation();
        }

        /**
         * Feeds a decoded reply. Valid while the attempt awaits CHALLENGE or COMEIN; in phase
         * {@link Phase#CHALLENGED} every further reply is a {@link Verdict#REPEAT} until the RESPONSE is built.
         */
        public Verdict onReply(Message reply) {
            Operation op = reply.operation();
            if (phase == Phase.AWAIT_CHALLENGE) {
                if (op == Operation.CHALLENGE) {
                    nonce = reply.auth();
                    phase = Phase.CHALLENGED;
                    return Verdict.ACCEPTED;
                }
                return refuse(op);
            }
            if (phase == Phase.CHALLENGED) {
                return Verdict.REPEAT;
            }
            if (phase == Phase.AWAIT_COMEIN) {
                if (op == Operation.COMEIN) {
                    phase = Phase.DONE;
                    return Verdict.ACCEPTED;
                }
                if (op == Operation.CHALLENGE && datagrams) {
                    return Verdict.REPEAT;
                }
                return refuse(op);
            }
            throw new IllegalStateException("the attempt is over");
        }

        /** The RESPONSE to the accepted CHALLENGE: this exchange's ids, the MAC over its nonce. */
        public Message response() {
            if (phase != Phase.CHALLENGED) {
                throw new IllegalStateException("no CHALLENGE to respond to in phase " + phase);
            }
            phase = Phase.AWAIT_COMEIN;
            return messages.response(request.key(), request.user(), request.resource(), nonce);
        }

        /** The attempt ends without success (a bad reply, a transport failure). */
        public void abandon() {
            phase = Phase.DONE;
        }

        private Verdict refuse(Operation op) {
            phase = Phase.DONE;
            return op == Operation.GOAWAY ? Verdict.REJECTED : Verdict.UNEXPECTED;
        }
    }
}
