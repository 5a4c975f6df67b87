package letmein.proto.fwd;

import java.net.InetAddress;
import java.util.Objects;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.net.Addresses;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * A letmeind ↔ letmeinfwd IPC message. letmeind sends one {@link Install} or {@link Revoke} per
 * connection; letmeinfwd answers {@link Ack} or {@link Nack}. Addresses are always canonical (an
 * IPv4-mapped IPv6 address is held as the IPv4 address).
 */
public sealed interface FwdMessage {

    /** A request that changes the firewall for {@code address}. */
    sealed interface Request extends FwdMessage {
        UserId user();

        ResourceId resource();

        InetAddress address();

        ConfigChecksum checksum();
    }

    /** Open {@code resource} for {@code address}. */
    record Install(UserId user, ResourceId resource, InetAddress address, ConfigChecksum checksum)
            implements Request {
        public Install {
            Objects.requireNonNull(user);
            Objects.requireNonNull(resource);
            Objects.requireNonNull(checksum);
            address = Addresses.canonical(address);
        }
    }

    /** Close {@code resource} for {@code address}. */
    record Revoke(UserId user, ResourceId resource, InetAddress address, ConfigChecksum checksum)
            implements Request {
        public Revoke {
            Objects.requireNonNull(user);
            Objects.requireNonNull(resource);
            Objects.requireNonNull(checksum);
            address = Addresses.canonical(address);
        }
    }

    /** The request was carried out. */
    record Ack() implements FwdMessage {
    }

    /** The request was refused or failed; letmeinfwd logs why. */
    record Nack() implements FwdMessage {
    }
}
