package letmein.proto.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One 56-byte control-protocol message, decoded. Immutable: the byte arrays are copied in and out.
 *
 * @param operation what the message asks or answers
 * @param user      the user id (clear text on the wire)
 * @param resource  the resource id (clear text on the wire)
 * @param salt      8 bytes, fresh per message
 * @param auth      32 bytes: a MAC (KNOCK/REVOKE/RESPONSE), the nonce (CHALLENGE), or zeros
 */
public record Message(Operation operation, UserId user, ResourceId resource, byte[] salt, byte[] auth) {
    public static final int SIZE = 56;
    public static final int SALT_SIZE = 8;
    public static final int AUTH_SIZE = 32;
    /** Used in a GOAWAY sent before the session's user and resource are known. */
    public static final UserId UNKNOWN_USER = new UserId(0xFFFFFFFF);
    public static final ResourceId UNKNOWN_RESOURCE = new ResourceId(0xFFFFFFFF);

    public Message {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(resource, "resource");
        if (salt.length != SALT_SIZE) {
            throw new IllegalArgumentException("salt must be 8 bytes, not " + salt.length);
        }
        if (auth.length != AUTH_SIZE) {
            throw new IllegalArgumentException("auth must be 32 bytes, not " + auth.length);
        }
        salt = salt.clone();
        auth = auth.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] auth() {
        return auth.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && operation == m.operation && user.equals(m.user)
                && resource.equals(m.resource) && Arrays.equals(salt, m.salt) && Arrays.equals(auth, m.auth);
    }

    @Override
    public int hashCode() {
        return Objects.hash(operation, user, resource, Arrays.hashCode(salt), Arrays.hashCode(auth));
    }

    /** Never prints the auth field in full: it may be a MAC an attacker would like to see in logs. */
    @Override
    public String toString() {
        return "Message[" + operation + " user=" + user + " resource=" + resource
                + " salt=" + HexFormat.of().formatHex(salt) + "]";
    }
}
