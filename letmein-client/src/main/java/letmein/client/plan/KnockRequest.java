package letmein.client.plan;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * What the command line asked for, before the config and DNS are consulted.
 *
 * @param host       host name or address literal
 * @param port       the PORT argument (mapped to a resource unless {@code resource} is given)
 * @param resource   {@code -r}
 * @param user       {@code -u}
 * @param serverPort {@code -P}
 * @param forceTcp   {@code -T}
 * @param forceUdp   {@code -U}
 * @param ipv4       {@code -4}
 * @param ipv6       {@code -6}
 */
public record KnockRequest(String host, OptionalInt port, Optional<ResourceId> resource, Optional<UserId> user,
        OptionalInt serverPort, boolean forceTcp, boolean forceUdp, boolean ipv4, boolean ipv6) {
    public KnockRequest {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(serverPort, "serverPort");
    }
}
