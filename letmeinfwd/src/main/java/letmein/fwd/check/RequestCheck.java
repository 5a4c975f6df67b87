package letmein.fwd.check;

import java.net.Inet4Address;
import java.util.Objects;
import java.util.Optional;

import letmein.fwd.nft.FirewallNames;
import letmein.proto.config.JumpResource;
import letmein.proto.config.PortResource;
import letmein.proto.config.Resource;
import letmein.proto.config.ServerConfig;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.net.Addresses;

/**
 * Decides whether an IPC request may touch the firewall, before anything is sent to nft. In this order,
 * the first failure being the reason logged: it must be a request, carry this daemon's config checksum,
 * name an address a client can have (not unspecified, all-ones, multicast, loopback, link-local or a
 * local network's broadcast address), an existing resource the user may open, an address family the nftables family
 * can hold, a port that is not the control port, and only chains that are configured (docs/PROTOCOL.md,
 * letmeinfwd's side). A refusal carries the reason for the log.
 */
public final class RequestCheck {
    /** The outcome of a check. */
    public sealed interface Verdict permits Accept, Refuse {
    }

    /** The request may be carried out on {@code resource}. */
    public record Accept(FwdMessage.Request request, Resource resource) implements Verdict {
        public Accept {
            Objects.requireNonNull(request);
            Objects.requireNonNull(resource);
        }
    }

    /** The request is refused (NACK) for {@code reason}. */
    public record Refuse(String reason) implements Verdict {
        public Refuse {
            Objects.requireNonNull(reason);
        }
    }

    private final ServerConfig config;
    private final FirewallNames names;
    private final java.util.function.Supplier<java.util.Set<java.net.InetAddress>> broadcasts;

    public RequestCheck(ServerConfig config, FirewallNames names) {
        this(config, names, new LocalBroadcasts());
    }

    /** @param broadcasts the broadcast addresses of this host's networks (a lease for one opens a whole LAN) */
    public RequestCheck(ServerConfig config, FirewallNames names,
            java.util.function.Supplier<java.util.Set<java.net.InetAddress>> broadcasts) {
        this.config = config;
        this.names = names;
        this.broadcasts = broadcasts;
    }

    public Verdict check(FwdMessage message) {
        if (!(message instanceof FwdMessage.Request r)) {
            return new Refuse("not a request: " + message.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT));
        }
        if (!config.checksum().matches(r.checksum())) {
            return new Refuse("letmeind.conf checksum mismatch between letmeind and letmeinfwd (reload or restart both)");
        }
        return checkRequest(r);
    }

    /**
     * Every check of {@link #check} after the checksum, for a request whose checksum the caller has
     * already accepted (letmeinfwd's reload rule, docs/PROTOCOL.md "Live reload").
     */
    public Verdict checkRequest(FwdMessage.Request r) {
        Optional<String> unusable = Addresses.notOpenable(r.address());
        if (unusable.isPresent()) {
            return new Refuse("address " + Addresses.text(r.address()) + " is " + unusable.get());
        }
        if (broadcasts.get().contains(Addresses.canonical(r.address()))) {
            return new Refuse("address " + Addresses.text(r.address()) + " is the broadcast address of a local network");
        }
        Optional<Resource> found = config.resource(r.resource());
        if (found.isEmpty()) {
            return new Refuse("resource " + r.resource() + " is not configured");
        }
        Resource res = found.get();
        if (!res.allows(r.user())) {
            return new Refuse("user " + r.user() + " may not use resource " + r.resource());
        }
        boolean v4 = r.address() instanceof Inet4Address;
        if (v4 && !names.hasV4() || !v4 && !names.hasV6()) {
            return new Refuse("IP version of " + Addresses.text(r.address())
                    + " not supported by nftables family " + names.family().nftName());
        }
        if (res instanceof PortResource p) {
            if (p.port() == 0 || p.port() == config.general().port().port()) {
                return new Refuse("resource " + r.resource() + " port " + p.port() + " is 0 or the control port");
            }
        } else if (res instanceof JumpResource j) {
            if (j.forward().isPresent() && names.chainForward().isEmpty()) {
                return new Refuse("resource " + r.resource() + " jumps from forward but [NFTABLES] chain-forward is not specified");
            }
            if (j.output().isPresent() && names.chainOutput().isEmpty()) {
                return new Refuse("resource " + r.resource() + " jumps from output but [NFTABLES] chain-output is not specified");
            }
        }
        return new Accept(r, res);
    }
}
