package letmein.client.plan;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import letmein.proto.auth.Key;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.PortResource;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Everything a knock needs, decided before any packet is sent: who knocks (user and key), for what
 * (resource), how (transport, control port, timeout) and where (one address per family, in order).
 * Built by a pure function from the command line, the client config and a {@link Resolver}, so that
 * upstream's dual-stack table and the port-to-resource rules are unit tested without a network.
 *
 * @param host         the HOST argument as given
 * @param targets      the addresses to knock, in order (IPv6 first)
 * @param anySuffices  true in the default "try both" mode for a host name: success if any target
 *                     succeeds; false when every target must succeed (literal, {@code -4}, {@code -6},
 *                     {@code -4 -6}), the first failure then aborts
 * @param skipped      families that were wanted but have no address (only in "try both" mode)
 */
public record KnockPlan(String host, List<Target> targets, boolean anySuffices, List<Family> skipped,
        Transport transport, int serverPort, Duration controlTimeout, UserId user, Key key,
        ResourceId resource) {

    /** One address to knock. */
    public record Target(Family family, InetAddress address) {
        public Target {
            Objects.requireNonNull(family);
            Objects.requireNonNull(address);
        }
    }

    public KnockPlan {
        targets = List.copyOf(targets);
        skipped = List.copyOf(skipped);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one target");
        }
        Objects.requireNonNull(transport);
        Objects.requireNonNull(controlTimeout);
        Objects.requireNonNull(user);
        Objects.requireNonNull(key);
        Objects.requireNonNull(resource);
    }

    /**
     * Applies upstream's rules: user from {@code -u} or {@code [CLIENT] default-user}; its key must be
     * in the config; resource from {@code -r} or the first port resource for PORT that the user may
     * open; TCP unless {@code -U} (or the config enables only UDP), {@code -T} wins over {@code -U};
     * families as docs/client.md ("Address families") describes, case by case in KnockPlanTest.
     */
    public static KnockPlan build(KnockRequest req, ClientConfig config, Resolver resolver) throws PlanException {
        UserId user = req.user().orElse(config.defaultUser());
        Optional<Key> key = config.key(user);
        if (key.isEmpty()) {
            throw new PlanException("No key found in " + config.file() + " for user " + user
                    + (config.exists() ? "" : " (the file does not exist; defaults are in effect)"));
        }
        ResourceId resource = resource(req, config, user);
        Transport transport;
        if (req.forceTcp()) {
            transport = Transport.TCP;
        } else if (req.forceUdp()) {
            transport = Transport.UDP;
        } else {
            transport = config.general().port().tcp() ? Transport.TCP : Transport.UDP;
        }
        int serverPort = req.serverPort().orElse(config.general().port().port());
        if (serverPort < 1 || serverPort > 65535) {
            throw new PlanException("Server port " + serverPort + " is out of range 1..65535");
        }
        List<Target> targets = new ArrayList<>();
        List<Family> skipped = new ArrayList<>();
        boolean any = addresses(req, resolver, targets, skipped);
        return new KnockPlan(req.host(), targets, any, skipped, transport, serverPort,
                config.general().controlTimeout(), user, key.get(), resource);
    }

    private static ResourceId resource(KnockRequest req, ClientConfig config, UserId user) throws PlanException {
        if (req.resource().isPresent()) {
            return req.resource().get();
        }
        if (req.port().isEmpty()) {
            throw new PlanException("Neither [PORT] nor --resource command line options were provided.");
        }
        int port = req.port().getAsInt();
        Optional<PortResource> r = config.resourceForPort(port, user);
        if (r.isEmpty()) {
            throw new PlanException("Port " + port + " is not mapped to a port-resource in " + config.file()
                    + (config.exists() ? "" : " (the file does not exist)")
                    + " for user " + user);
        }
        return r.get().id();
    }

    /** Fills targets/skipped; returns the "any target suffices" flag. */
    private static boolean addresses(KnockRequest req, Resolver resolver, List<Target> targets, List<Family> skipped)
            throws PlanException {
        String host = req.host();
        Optional<InetAddress> literal = HostLiteral.parse(host);
        if (literal.isPresent()) {
            InetAddress a = literal.get();
            Family f = Family.of(a);
            if (req.ipv4() && req.ipv6()) {
                throw new PlanException("-4 -6 knocks over both IPv6 and IPv4, but '" + host + "' is an "
                        + f + " address; give a host name or only " + (f == Family.IPV4 ? "-4" : "-6"));
            }
            if (req.ipv4() && f != Family.IPV4) {
                throw new PlanException("'" + host + "' is an IPv6 address, but -4 (IPv4 only) was given");
            }
            if (req.ipv6() && f != Family.IPV6) {
                throw new PlanException("'" + host + "' is an IPv4 address, but -6 (IPv6 only) was given");
            }
            targets.add(new Target(f, a));
            return false;
        }
        if (host.isBlank()) {
            throw new PlanException("HOST is empty");
        }
        List<InetAddress> all;
        try {
            all = resolver.lookup(host);
        } catch (UnknownHostException e) {
            throw new PlanException("DNS lookup of host '" + host + "' failed: the name was not found"
                    + " (or no DNS server answered)");
        }
        List<Family> wanted = new ArrayList<>();
        boolean tryBoth = !req.ipv4() && !req.ipv6();
        if (tryBoth || req.ipv6()) {
            wanted.add(Family.IPV6);
        }
        if (tryBoth || req.ipv4()) {
            wanted.add(Family.IPV4);
        }
        for (Family f : wanted) {
            Optional<InetAddress> a = Optional.empty();
            for (InetAddress candidate : all) { // a loop, not a stream: start-up time
                if (f.matches(candidate)) {
                    a = Optional.of(candidate);
                    break;
                }
            }
            if (a.isPresent()) {
                targets.add(new Target(f, a.get()));
            } else if (tryBoth) {
                skipped.add(f);
            } else {
                throw new PlanException("DNS lookup of host '" + host + "' failed. No '" + f.dnsRecord()
                        + "' record found.");
            }
        }
        if (targets.isEmpty()) {
            throw new PlanException("DNS lookup of host '" + host + "' failed. No 'A' or 'AAAA' record found.");
        }
        return tryBoth;
    }
}
