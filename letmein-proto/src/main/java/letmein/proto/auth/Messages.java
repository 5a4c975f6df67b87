package letmein.proto.auth;

import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Builds each kind of message correctly (fresh salt, right MAC or nonce), so neither the client nor
 * the server ever assembles AUTH fields by hand.
 */
public final class Messages {
    private static final byte[] ZERO_AUTH = new byte[Message.AUTH_SIZE];
    private final Randomness random;

    public Messages(Randomness random) {
        this.random = random;
    }

    /** KNOCK or REVOKE, authenticated with the zero challenge. */
    public Message opening(Operation op, Key key, UserId user, ResourceId resource) {
        if (!op.opensSession()) {
            throw new IllegalArgumentException(op + " does not open a session");
        }
        byte[] salt = random.bytes(Message.SALT_SIZE);
        return new Message(op, user, resource, salt,
                Authenticator.mac(key, op, user, resource, salt, Authenticator.zeroChallenge()));
    }

    /** CHALLENGE carrying a fresh 32-byte nonce in AUTH. */
    public Message challenge(UserId user, ResourceId resource) {
        return new Message(Operation.CHALLENGE, user, resource, random.bytes(Message.SALT_SIZE),
                random.bytes(Authenticator.CHALLENGE_SIZE));
    }

    /** CHALLENGE carrying {@code nonce} (computed by the server, see letmein.proto.session.MintedChallenges). */
    public Message challenge(UserId user, ResourceId resource, byte[] nonce) {
        return new Message(Operation.CHALLENGE, user, resource, random.bytes(Message.SALT_SIZE), nonce.clone());
    }

    /** RESPONSE to {@code challenge} (the server's CHALLENGE message). */
    public Message response(Key key, Message challenge) {
        if (challenge.operation() != Operation.CHALLENGE) {
            throw new IllegalArgumentException("not a CHALLENGE: " + challenge.operation());
        }
        return response(key, challenge.user(), challenge.resource(), challenge.auth());
    }

    /** RESPONSE for the given session ids and nonce. */
    public Message response(Key key, UserId user, ResourceId resource, byte[] nonce) {
        byte[] salt = random.bytes(Message.SALT_SIZE);
        return new Message(Operation.RESPONSE, user, resource, salt,
                Authenticator.mac(key, Operation.RESPONSE, user, resource, salt, nonce));
    }

    public Message comeIn(UserId user, ResourceId resource) {
        return new Message(Operation.COMEIN, user, resource, random.bytes(Message.SALT_SIZE), ZERO_AUTH);
    }

    public Message goAway(UserId user, ResourceId resource) {
        return new Message(Operation.GOAWAY, user, resource, random.bytes(Message.SALT_SIZE), ZERO_AUTH);
    }
}
