package letmein.proto.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/** {@code ID = port: N [/ tcp|udp|tcp,udp] [/ users: …] [/ timeout: S]}. */
public record PortResource(ResourceId id, int port, boolean tcp, boolean udp, Set<UserId> users,
        Optional<Duration> timeout) implements Resource {
    public PortResource {
        Objects.requireNonNull(id);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (!tcp && !udp) {
            throw new IllegalArgumentException("port resource needs tcp or udp");
        }
        users = Set.copyOf(users);
        Objects.requireNonNull(timeout);
    }
}
