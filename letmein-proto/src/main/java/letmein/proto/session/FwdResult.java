package letmein.proto.session;

import java.util.Objects;

/** Outcome of one request to letmeinfwd: acknowledged, or failed for a reason an admin can act on. */
public sealed interface FwdResult {
    record Acked() implements FwdResult {
    }

    /** NACK, timeout, absent socket, broken reply: {@code reason} says which. */
    record Failed(String reason) implements FwdResult {
        public Failed {
            Objects.requireNonNull(reason);
        }
    }
}
