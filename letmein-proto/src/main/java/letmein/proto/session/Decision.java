package letmein.proto.session;

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
 * @param success     true only when letmeinfwd acknowledged and COMEIN is sent
 * @param reasonClass the machine-readable class of {@code reason}; {@link ReasonClass#OK} exactly when
 *                    {@code success}
 * @param reason      why it failed (or "ok"), for a human
 * @param replied   whether a reply (COMEIN or GOAWAY) is sent
 */
public record Decision(String peer, String peerIp, Optional<UserId> user, Optional<ResourceId> resource,
        Optional<Operation> operation, boolean success, ReasonClass reasonClass, String reason, boolean replied) {

    public Decision {
        if (success != (reasonClass == ReasonClass.OK)) {
            throw new IllegalArgumentException("success " + success + " with reason class " + reasonClass);
        }
    }

    /**
     * Reason of a TCP connection closed before any message arrived (a port scan, a load balancer's health
     * check): not a protocol error, so it is logged without "ERROR" (upstream logs "Disconnected." as an
     * error, which made admins' ERROR greps noisy).
     */
    public static final String CLOSED_WITHOUT_MESSAGE = "Closed the connection without sending a message";

    /** The same decision with no reply sent (the transport could not send it). */
    public Decision withoutReply() {
        return new Decision(peer, peerIp, user, resource, operation, success, reasonClass, reason, false);
    }

    /** True for {@link #CLOSED_WITHOUT_MESSAGE}. */
    public boolean closedWithoutMessage() {
        return reasonClass == ReasonClass.CLOSED;
    }

    /** One log line: upstream's wording first (greppable by old habits), then key=value fields. */
    public String logLine() {
        StringBuilder sb = new StringBuilder();
        if (closedWithoutMessage()) {
            sb.append("Client '").append(peer).append("' closed the connection without sending a message.");
        } else if (success) {
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
                .append(" result=").append(success ? "ok" : closedWithoutMessage() ? "closed" : "rejected")
                .append(" reply=").append(replied ? (success ? "COMEIN" : "GOAWAY") : "none");
        if (!success && !closedWithoutMessage()) {
            sb.append(" reason=\"").append(reason.replace('"', '\'')).append('"');
        }
        return sb.toString();
    }
}
