package letmein.proto.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import letmein.proto.auth.Key;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * {@code letmein.conf}. A missing file means all defaults (user 00000000, control port 5800/TCP).
 *
 * @param file   where it was (or would have been) read from
 * @param exists false when the file was missing and defaults are in effect
 */
public record ClientConfig(Path file, boolean exists, GeneralConfig general, UserId defaultUser,
        Map<UserId, Key> keys, Map<ResourceId, Resource> resources) {
    public static final UserId DEFAULT_USER = new UserId(0);

    public ClientConfig {
        Objects.requireNonNull(general);
        Objects.requireNonNull(defaultUser);
        keys = Map.copyOf(keys);
        resources = Map.copyOf(resources);
    }

    public Optional<Key> key(UserId user) {
        return Optional.ofNullable(keys.get(user));
    }

    /**
     * The resource a {@code knock HOST PORT} means: a port resource with that port number whose
     * {@code users:} is empty or contains {@code user}; the lowest id wins if several match.
     */
    public Optional<PortResource> resourceForPort(int port, UserId user) {
        // a loop, not a stream: the client runs this once per process and streams cost start-up time
        PortResource best = null;
        for (Resource r : resources.values()) {
            if (r instanceof PortResource) {
                PortResource p = (PortResource) r;
                if (p.port() == port && p.allows(user) && (best == null || p.id().compareTo(best.id()) < 0)) {
                    best = p;
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
