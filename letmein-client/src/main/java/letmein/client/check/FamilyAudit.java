package letmein.client.check;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import letmein.client.check.PortProbe.Reach;
import letmein.client.net.KnockException;
import letmein.client.plan.Family;

/**
 * What {@code letmein check} observed for one address family. Fields after the first missing step
 * are empty (no address → nothing probed; knock failed → no "after" probe, no revoke).
 */
public record FamilyAudit(Family family, Optional<InetAddress> address, Optional<Reach> before,
        Optional<Optional<KnockException>> knock, Optional<Reach> after, Optional<Optional<KnockException>> revoke) {

    /** The verdict for this family, most serious first. */
    public enum Verdict {
        EXPOSED("EXPOSED: reachable without a knock"),
        KNOCK_FAILED("KNOCK FAILED"),
        STILL_CLOSED("STILL CLOSED after a successful knock"),
        OK("OK"),
        NO_ADDRESS("no address (not audited)");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public FamilyAudit {
        Objects.requireNonNull(family);
        Objects.requireNonNull(address);
        Objects.requireNonNull(before);
        Objects.requireNonNull(knock);
        Objects.requireNonNull(after);
        Objects.requireNonNull(revoke);
    }

    public static FamilyAudit noAddress(Family family) {
        return new FamilyAudit(family, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public Verdict verdict() {
        if (address.isEmpty()) {
            return Verdict.NO_ADDRESS;
        }
        if (before.isPresent() && before.get().open()) {
            return Verdict.EXPOSED;
        }
        if (knock.isEmpty() || knock.get().isPresent()) {
            return Verdict.KNOCK_FAILED;
        }
        if (after.isEmpty() || !after.get().open()) {
            return Verdict.STILL_CLOSED;
        }
        return Verdict.OK;
    }
}
