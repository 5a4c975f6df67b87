package letmein.proto.session;

import java.net.InetAddress;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Where a {@link Session}'s CHALLENGE comes from. Over TCP the connection holds the session, so a fresh
 * random challenge is kept in it (the default, with no source); over UDP letmeind computes the challenge from the
 * peer and the request ({@link MintedChallenges}), so that it can verify a RESPONSE without having kept
 * anything for a peer that has not yet proved it holds a key.
 */
public interface ChallengeSource {
    /** The 32-byte challenge nonce for an opening of {@code op} by {@code user} from {@code peer:port}. */
    byte[] nonce(Operation op, InetAddress peer, int port, UserId user, ResourceId resource);
}
