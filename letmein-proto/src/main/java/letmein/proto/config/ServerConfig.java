package letmein.proto.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import letmein.proto.auth.Key;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * {@code letmeind.conf}, validated once and immutable; read by both letmeind and letmeinfwd.
 *
 * @param file     where it was read from (for messages)
 * @param checksum checksum of the raw file bytes (see {@link ConfigChecksum})
 */
public record ServerConfig(Path file, GeneralConfig general, Map<UserId, Key> keys,
        Map<ResourceId, Resource> resources, NftablesConfig nftables, ConfigChecksum checksum) {
    public ServerConfig {
        Objects.requireNonNull(general);
        keys = Map.copyOf(keys);
        resources = Map.copyOf(resources);
        Objects.requireNonNull(nftables);
        Objects.requireNonNull(checksum);
    }

    public Optional<Key> key(UserId user) {
        return Optional.ofNullable(keys.get(user));
    }

    public Optional<Resource> resource(ResourceId id) {
        return Optional.ofNullable(resources.get(id));
    }
}
