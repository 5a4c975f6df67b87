package letmein.proto.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * {@code ID = jump / input: CHAIN / forward: CHAIN / output: CHAIN / input-match: saddr …}: a knock adds
 * a jump from letmein's input/forward/output chain to the named chain, optionally only for the
 * knocking source address. At least one target is present.
 */
public record JumpResource(ResourceId id, Optional<JumpTarget> input, Optional<JumpTarget> forward,
        Optional<JumpTarget> output, Set<UserId> users, Optional<Duration> timeout) implements Resource {

    /** A target chain and whether the jump rule matches the client's source address. */
    public record JumpTarget(String chain, boolean matchSaddr) {
        public JumpTarget {
            Objects.requireNonNull(chain);
        }
    }

    public JumpResource {
        Objects.requireNonNull(id);
        Objects.requireNonNull(input);
        Objects.requireNonNull(forward);
        Objects.requireNonNull(output);
        if (input.isEmpty() && forward.isEmpty() && output.isEmpty()) {
            throw new IllegalArgumentException("jump resource needs at least one of input/forward/output");
        }
        users = Set.copyOf(users);
        Objects.requireNonNull(timeout);
    }
}
