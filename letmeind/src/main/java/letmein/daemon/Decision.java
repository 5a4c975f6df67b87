package letmein.daemon;

import java.util.Optional;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * The outcome of one session, for the admin's log: who asked (peer as seen by the socket), for what,
 * and what happened. Never holds key material.
 *
 * @param peer      canonical peer text with port and transport, e.g. {@code 192.0.2.1:40000/TCP}
 * @param peerIp    canonical peer address text
 * @param operation KNOCK or REVOKE once known
 * @param success   true only when letmeinfwd acknowledged and COMEIN is sent
 * @param reason    why it failed (or "ok")
 * @param replied   whether a reply (COMEIN or GOAWAY) is sent
 */
public record Decision(String peer, String peerIp, Optional<UserId> user, Optional<ResourceId> resource,
        Optional<Operation> operation, boolean success, String reason, boolean replied) {

    /** One log line: upstream's wording first (greppable by old habits), then key=value fields. */
    public String logLine() {
        StringBuilder sb = new StringBuilder();
        if (success) {
            sb.append('[').append(peerIp).append("]: Resource ")
                    .append(resource.map(ResourceId::toString).orElse("?")).append(" successfully ")
                    .append(operation.orElse(Operation.KNOCK) == Operation.REVOKE ? "revoked." : "knocked.");
        } else {
            sb.append("Client '").append(peer).append("' ERROR: ").append(reason).append('.');
        }
        sb.append(" peer=").append(peer)
                .append(" user=").append(user.map(UserId::toString).orElse("-"))
                .append(" resource=").append(resource.map(ResourceId::toString).orElse("-"))
                .append(" op=").append(operation.map(Operation::name).orElse("-"))
                .append(" result=").append(success ? "ok" : "rejected")
                .append(" reply=").append(replied ? (success ? "COMEIN" : "GOAWAY") : "none");
        if (!success) {
            sb.append(" reason=\"").append(reason.replace('"', '\'')).append('"');
        }
        return sb.toString();
    }
}
