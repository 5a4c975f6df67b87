package letmein.proto.config;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * A {@code [RESOURCES]} entry: something a knock can open. Either a port (opened for the knocking
 * address) or a jump into admin-defined chains.
 */
public sealed interface Resource permits PortResource, JumpResource {
    ResourceId id();

    /** Users allowed to open it; empty means every user with a key. */
    Set<UserId> users();

    /** Lease lifetime for this resource; empty means {@code [NFTABLES] timeout}. */
    Optional<Duration> timeout();

    /** True if {@code user} may open this resource. */
    default boolean allows(UserId user) {
        return users().isEmpty() || users().contains(user);
    }
}
