package letmein.fwd.lease;

import java.util.Objects;
import java.util.Optional;

import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Who holds a port lease, as the element's comment in the kernel set carries it:
 * {@code user=00000001 resource=00000022}. The kernel keeps it with the element, so a restarted
 * letmeinfwd adopts each lease for its owner (per-user quota, revoke) instead of guessing.
 */
public record LeaseOwner(UserId user, ResourceId resource) {
    private static final String USER = "user=";
    private static final String RESOURCE = " resource=";

    public LeaseOwner {
        Objects.requireNonNull(user);
        Objects.requireNonNull(resource);
    }

    /** The element comment: {@code user=00000001 resource=00000022}. */
    public String comment() {
        return USER + user + RESOURCE + resource;
    }

    /** The owner an element comment names, or empty for anything else (an element letmeinfwd did not write). */
    public static Optional<LeaseOwner> parse(String comment) {
        if (comment == null || !comment.startsWith(USER)) {
            return Optional.empty();
        }
        int r = comment.indexOf(RESOURCE);
        if (r < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LeaseOwner(UserId.parse(comment.substring(USER.length(), r)),
                    ResourceId.parse(comment.substring(r + RESOURCE.length()))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
