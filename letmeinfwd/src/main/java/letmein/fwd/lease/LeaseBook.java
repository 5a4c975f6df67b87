package letmein.fwd.lease;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.L4Proto;
import letmein.fwd.nft.NftBatcher;
import letmein.fwd.nft.NftCommands;
import letmein.proto.config.JumpResource;
import letmein.proto.config.JumpResource.JumpTarget;
import letmein.proto.config.PortResource;
import letmein.proto.config.Resource;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.net.Addresses;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * What is open for whom until when — the only mutable state of letmeinfwd. Port leases are elements of
 * the kernel sets with a kernel timeout (the kernel closes them even if letmeinfwd dies), whose comment
 * names their owner ({@link LeaseOwner}); they are kept here to count them against {@code max-nr-rules}
 * and each user's share, and to put them back at their remaining time if someone removes the sets
 * ({@link FirewallSetup#rebuild}); a restarted letmeinfwd adopts them ({@link #adopt}). Jump leases are rules, removed by
 * {@link #expireDue()}. Every change goes through the {@link NftBatcher}; a failed change is undone here.
 */
public final class LeaseBook {
    /** One set element: (client, protocol, port). */
    record ElementKey(InetAddress client, L4Proto proto, int port) {
        // equals/hashCode written out: a record's generated ones bootstrap ~40 method-handle classes on
        // the first request, which stay resident (+1 MiB of idle RSS against a 40 MiB budget)
        @Override
        public boolean equals(Object o) {
            return o instanceof ElementKey k && port == k.port && proto == k.proto && client.equals(k.client);
        }

        @Override
        public int hashCode() {
            return (client.hashCode() * 31 + proto.hashCode()) * 31 + port;
        }

        @Override
        public String toString() {
            return Addresses.text(client) + " " + port + "/" + proto.nftName();
        }
    }

    /** One jump rule: in {@code fromChain}, for {@code client}, to {@code target}. */
    record JumpKey(InetAddress client, String fromChain, String target, boolean matchSaddr) {
        NftBatcher.RuleRef ref() {
            return new NftBatcher.RuleRef(fromChain, NftCommands.jumpComment(client, target));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof JumpKey k && matchSaddr == k.matchSaddr && client.equals(k.client)
                    && fromChain.equals(k.fromChain) && target.equals(k.target);
        }

        @Override
        public int hashCode() {
            return ((client.hashCode() * 31 + fromChain.hashCode()) * 31 + target.hashCode()) * 2
                    + (matchSaddr ? 1 : 0);
        }

        @Override
        public String toString() {
            return Addresses.text(client) + " " + fromChain + "->" + target;
        }
    }

    /**
     * The limits a request is checked against, from one configuration: a reload of letmeind.conf makes new
     * ones, which apply from the next request on; leases already held stay as they are (a lower limit
     * only refuses new leases until enough have expired).
     *
     * @param defaultTimeout {@code [NFTABLES] timeout}: lease lifetime of a resource without {@code timeout:}
     * @param maxNrRules     {@code max-nr-rules}
     * @param perUserLimit   leases one user may hold ({@code NftablesConfig.perUserLimit})
     */
    public record Limits(Duration defaultTimeout, int maxNrRules, int perUserLimit) {
        public Limits {
            java.util.Objects.requireNonNull(defaultTimeout);
        }
    }

    /**
     * One lease: when it expires, which change made it (to undo only one's own change), whose it is
     * (per-user quota; null for an adopted element without letmeinfwd's comment), for which resource
     * (null likewise) and its full timeout in seconds (what a rebuild gives the kernel back).
     */
    private record Held(long expiresAt, long generation, UserId user, ResourceId resource, long timeoutSeconds) {
    }

    private final FirewallNames names;
    private final NftCommands json;
    /** The limits of the configuration letmeinfwd started with; a reload passes its own to {@link #install}. */
    private final Limits startLimits;
    /** Leases (elements and jump rules) per user, kept in step with {@code elements} and {@code jumps}. */
    private final Map<UserId, Integer> perUser = new HashMap<>();
    private final int controlRules;
    private final NftBatcher batcher;
    private final TimeSource time;
    private final DaemonLog log;
    private final RefreshMode refresh;
    private final Map<ElementKey, Held> elements = new HashMap<>();
    private final Map<JumpKey, Held> jumps = new LinkedHashMap<>();
    private long generation;

    /**
     * @param perUserLimit leases one user may hold ({@code NftablesConfig.perUserLimit}): one user's knocks
     *                     cannot use up what the others need
     */
    public LeaseBook(FirewallNames names, Duration defaultTimeout, int maxNrRules, int perUserLimit, int controlRules,
            NftBatcher batcher, TimeSource time, DaemonLog log, RefreshMode refresh) {
        this.startLimits = new Limits(defaultTimeout, maxNrRules, perUserLimit);
        this.names = names;
        this.json = new NftCommands(names);
        this.controlRules = controlRules;
        this.batcher = batcher;
        this.time = time;
        this.log = log;
        this.refresh = refresh;
    }

    /** Rules and elements counted against max-nr-rules: control rules + elements + jump rules. */
    public synchronized int count() {
        pruneElements(time.monotonicNanos());
        return controlRules + elements.size() + jumps.size();
    }

    /** Opens (or refreshes) {@code resource} for {@code client} under the start-up limits. */
    public CompletableFuture<Void> install(UserId user, Resource resource, InetAddress client) {
        return install(user, resource, client, startLimits);
    }

    /**
     * Opens (or refreshes) {@code resource} for {@code client} under {@code limits} (those of the
     * configuration that accepted the request); completes when it is in the kernel.
     */
    public CompletableFuture<Void> install(UserId user, Resource resource, InetAddress client, Limits limits) {
        InetAddress c = Addresses.canonical(client);
        if (resource instanceof PortResource p) {
            return installPort(user, p, c, limits);
        }
        return installJump(user, (JumpResource) resource, c, limits);
    }

    /** Closes {@code resource} for {@code client}; closing what is not open succeeds. */
    public CompletableFuture<Void> revoke(UserId user, Resource resource, InetAddress client) {
        InetAddress c = Addresses.canonical(client);
        if (resource instanceof PortResource p) {
            return revokePort(user, p, c);
        }
        return revokeJump(user, (JumpResource) resource, c);
    }

    private static Duration timeoutOf(Resource r, Limits limits) {
        return r.timeout().orElse(limits.defaultTimeout());
    }

    private static List<ElementKey> elementKeys(PortResource p, InetAddress c) {
        List<ElementKey> keys = new ArrayList<>(2);
        if (p.tcp()) {
            keys.add(new ElementKey(c, L4Proto.TCP, p.port()));
        }
        if (p.udp()) {
            keys.add(new ElementKey(c, L4Proto.UDP, p.port()));
        }
        return keys;
    }

    private String until(Duration timeout) {
        return UtcText.format(time.epochSeconds() + timeout.toSeconds());
    }

    private synchronized CompletableFuture<Void> installPort(UserId user, PortResource p, InetAddress c, Limits limits) {
        long now = time.monotonicNanos();
        List<ElementKey> keys = elementKeys(p, c);
        long fresh = 0;
        for (ElementKey k : keys) {
            fresh += isLive(k, now) ? 0 : 1;
        }
        Optional<CompletableFuture<Void>> full = capacity(fresh, now, user, limits);
        if (full.isPresent()) {
            return full.get();
        }
        Duration timeout = timeoutOf(p, limits);
        long seconds = Math.max(1, timeout.toSeconds());
        long gen = ++generation;
        Map<ElementKey, Held> previous = new HashMap<>();
        List<ObjectNode> cmds = new ArrayList<>();
        String owner = new LeaseOwner(user, p.id()).comment();
        for (ElementKey k : keys) {
            Held held = new Held(now + timeout.toNanos(), gen, user, p.id(), seconds);
            Held prev = elements.put(k, held);
            counted(prev, held);
            previous.put(k, prev);
            if (refresh == RefreshMode.READD) {
                // new or refresh alike: with an explicit expiry the kernel (re)starts the timer
                cmds.add(json.addElementExpiring(k.client(), k.proto(), k.port(), seconds, seconds, owner));
                continue;
            }
            cmds.add(json.addElement(k.client(), k.proto(), k.port(), seconds, owner));
            if (prev != null) {
                // A refresh on a kernel that keeps the running timer on re-add (before Linux 6.10): add
                // (it exists now, even if someone deleted it) + delete + add. A removal in a transaction
                // costs the kernel ~10 ms, so fresh leases get the plain add only.
                cmds.add(json.deleteElement(k.client(), k.proto(), k.port()));
                cmds.add(json.addElement(k.client(), k.proto(), k.port(), seconds, owner));
            }
        }
        String what = "user=" + user + " resource=" + p.id() + " addr=" + Addresses.text(c) + " port="
                + p.port() + "/" + protoText(p);
        String verb = fresh == 0 ? "refreshed" : "opened";
        return batcher.submit(new NftBatcher.Change("install " + what, List.of(), cmds))
                .whenComplete((ok, err) -> {
                    if (err == null) {
                        log.info("lease " + verb + " " + what + " until=" + until(timeout) + " (kernel timeout "
                                + seconds + "s)");
                    } else {
                        undo(elements, previous, gen);
                    }
                });
    }

    private synchronized CompletableFuture<Void> revokePort(UserId user, PortResource p, InetAddress c) {
        List<ElementKey> keys = elementKeys(p, c);
        Map<ElementKey, Held> previous = new HashMap<>();
        List<ObjectNode> cmds = new ArrayList<>();
        for (ElementKey k : keys) {
            Held removed = elements.remove(k);
            counted(removed, null);
            previous.put(k, removed);
            // add + delete: deleting an absent element would fail the whole transaction
            cmds.add(json.addElement(k.client(), k.proto(), k.port(), 1));
            cmds.add(json.deleteElement(k.client(), k.proto(), k.port()));
        }
        String what = "user=" + user + " resource=" + p.id() + " addr=" + Addresses.text(c) + " port="
                + p.port() + "/" + protoText(p);
        return batcher.submit(new NftBatcher.Change("revoke " + what, List.of(), cmds))
                .whenComplete((ok, err) -> {
                    if (err == null) {
                        log.info("lease revoked " + what);
                    } else {
                        restore(elements, previous);
                    }
                });
    }

    private List<JumpKey> jumpKeys(JumpResource j, InetAddress c) throws LeaseException {
        List<JumpKey> keys = new ArrayList<>(3);
        if (j.input().isPresent()) {
            keys.add(jumpKey(c, names.chainInput(), j.input().get()));
        }
        if (j.forward().isPresent()) {
            keys.add(jumpKey(c, names.chainForward().orElseThrow(() -> new LeaseException(
                    "resource " + j.id() + " jumps from forward but [NFTABLES] chain-forward is not specified")),
                    j.forward().get()));
        }
        if (j.output().isPresent()) {
            keys.add(jumpKey(c, names.chainOutput().orElseThrow(() -> new LeaseException(
                    "resource " + j.id() + " jumps from output but [NFTABLES] chain-output is not specified")),
                    j.output().get()));
        }
        return keys;
    }

    private static JumpKey jumpKey(InetAddress c, String from, JumpTarget t) {
        return new JumpKey(c, from, t.chain(), t.matchSaddr());
    }

    private synchronized CompletableFuture<Void> installJump(UserId user, JumpResource j, InetAddress c, Limits limits) {
        long now = time.monotonicNanos();
        List<JumpKey> keys;
        try {
            keys = jumpKeys(j, c);
        } catch (LeaseException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<JumpKey> fresh = keys.stream().filter(k -> !jumps.containsKey(k)).toList();
        Optional<CompletableFuture<Void>> full = capacity(fresh.size(), now, user, limits);
        if (full.isPresent()) {
            return full.get();
        }
        Duration timeout = timeoutOf(j, limits);
        long gen = ++generation;
        Map<JumpKey, Held> previous = new HashMap<>();
        for (JumpKey k : keys) {
            Held held = new Held(now + timeout.toNanos(), gen, user, j.id(), Math.max(1, timeout.toSeconds()));
            Held prev = jumps.put(k, held);
            counted(prev, held);
            previous.put(k, prev);
        }
        String what = "user=" + user + " resource=" + j.id() + " addr=" + Addresses.text(c) + " jumps="
                + keys.stream().map(k -> k.fromChain() + "->" + k.target() + (k.matchSaddr() ? "(saddr)" : ""))
                        .toList();
        if (fresh.isEmpty()) {
            log.info("lease refreshed " + what + " until=" + until(timeout));
            return CompletableFuture.completedFuture(null);
        }
        List<ObjectNode> cmds = fresh.stream()
                .map(k -> json.addJumpRule(k.fromChain(), k.client(), k.matchSaddr(), k.target())).toList();
        return batcher.submit(new NftBatcher.Change("install " + what, List.of(), cmds))
                .whenComplete((ok, err) -> {
                    if (err == null) {
                        log.info("lease opened " + what + " until=" + until(timeout));
                    } else {
                        undo(jumps, previous, gen);
                    }
                });
    }

    private synchronized CompletableFuture<Void> revokeJump(UserId user, JumpResource j, InetAddress c) {
        List<JumpKey> keys;
        try {
            keys = jumpKeys(j, c);
        } catch (LeaseException e) {
            return CompletableFuture.failedFuture(e);
        }
        Map<JumpKey, Held> previous = new HashMap<>();
        for (JumpKey k : keys) {
            Held removed = jumps.remove(k);
            counted(removed, null);
            previous.put(k, removed);
        }
        String what = "user=" + user + " resource=" + j.id() + " addr=" + Addresses.text(c);
        return batcher.submit(new NftBatcher.Change("revoke " + what, keys.stream().map(JumpKey::ref).toList(),
                List.of())).whenComplete((ok, err) -> {
                    if (err == null) {
                        log.info("lease revoked " + what);
                    } else {
                        restore(jumps, previous);
                    }
                });
    }

    /**
     * Forgets port leases the kernel has timed out and removes expired jump rules (one transaction).
     * Called every second by the daemon's maintenance timer.
     */
    public synchronized void expireDue() {
        long now = time.monotonicNanos();
        pruneElements(now);
        List<JumpKey> due = new ArrayList<>();
        Map<JumpKey, UserId> owners = new HashMap<>();
        for (Iterator<Map.Entry<JumpKey, Held>> it = jumps.entrySet().iterator(); it.hasNext();) {
            Map.Entry<JumpKey, Held> e = it.next();
            if (e.getValue().expiresAt() - now <= 0) {
                due.add(e.getKey());
                owners.put(e.getKey(), e.getValue().user());
                counted(e.getValue(), null);
                it.remove();
            }
        }
        if (due.isEmpty()) {
            return;
        }
        long gen = ++generation;
        batcher.submit(new NftBatcher.Change("expire " + due, due.stream().map(JumpKey::ref).toList(), List.of()))
                .whenComplete((ok, err) -> {
                    if (err == null) {
                        due.forEach(k -> log.info("lease expired jump " + k + " (rule removed)"));
                    } else {
                        log.warn("cannot remove expired jump rules " + due + ", retrying in 5 s: " + cause(err));
                        synchronized (this) {
                            long retry = time.monotonicNanos() + Duration.ofSeconds(5).toNanos();
                            for (JumpKey k : due) {
                                Held again = new Held(retry, gen, owners.get(k), null, 5);
                                if (jumps.putIfAbsent(k, again) == null) {
                                    counted(null, again);
                                }
                            }
                        }
                    }
                });
    }

    /**
     * Takes over the port leases the kernel already holds (found at start): they count against
     * max-nr-rules and their owner's share, and can be revoked, as if this process had opened them.
     * Elements without letmeinfwd's comment count against max-nr-rules only.
     */
    public synchronized void adopt(List<KernelLease> leases) {
        long now = time.monotonicNanos();
        for (KernelLease l : leases) {
            ElementKey k = new ElementKey(Addresses.canonical(l.client()), l.proto(), l.port());
            Held held = new Held(now + l.expiresSeconds() * 1_000_000_000L, 0,
                    l.owner().map(LeaseOwner::user).orElse(null), l.owner().map(LeaseOwner::resource).orElse(null),
                    l.timeoutSeconds());
            counted(elements.put(k, held), held);
        }
    }

    /** The live port leases at their remaining time (whole seconds, rounded up), for a rebuild. */
    synchronized List<KernelLease> portLeases() {
        long now = time.monotonicNanos();
        pruneElements(now);
        List<KernelLease> out = new ArrayList<>(elements.size());
        for (Map.Entry<ElementKey, Held> e : elements.entrySet()) {
            Held h = e.getValue();
            long left = Math.max(1, (h.expiresAt() - now + 999_999_999L) / 1_000_000_000L);
            Optional<LeaseOwner> owner = h.user() == null || h.resource() == null ? Optional.empty()
                    : Optional.of(new LeaseOwner(h.user(), h.resource()));
            out.add(new KernelLease(e.getKey().client(), e.getKey().proto(), e.getKey().port(),
                    Math.max(h.timeoutSeconds(), left), left, owner));
        }
        return out;
    }

    /** The live jump leases, for a rebuild in upstream's mode. */
    synchronized List<JumpKey> jumpLeases() {
        return new ArrayList<>(jumps.keySet());
    }

    /** Forgets everything (at shutdown, after the firewall has been cleaned). */
    public synchronized void clear() {
        elements.clear();
        jumps.clear();
        perUser.clear();
    }

    /** Leases {@code user} holds (tests, logs). */
    public synchronized int countOf(UserId user) {
        return perUser.getOrDefault(user, 0);
    }

    /** Keeps {@code perUser} in step: {@code before} left the book, {@code after} entered it (either null). */
    private void counted(Held before, Held after) {
        // no lambdas: each is a resident class, and letmeinfwd's idle memory has a budget
        if (before != null && before.user() != null) {
            Integer n = perUser.get(before.user());
            if (n == null || n <= 1) {
                perUser.remove(before.user());
            } else {
                perUser.put(before.user(), n - 1);
            }
        }
        if (after != null && after.user() != null) {
            Integer n = perUser.get(after.user());
            perUser.put(after.user(), n == null ? 1 : n + 1);
        }
    }

    private void pruneElements(long now) {
        for (Iterator<Map.Entry<ElementKey, Held>> it = elements.entrySet().iterator(); it.hasNext();) {
            Map.Entry<ElementKey, Held> e = it.next();
            if (e.getValue().expiresAt() - now <= 0) {
                it.remove();
                counted(e.getValue(), null);
                log.info("lease expired " + e.getKey() + " (kernel timeout)");
            }
        }
    }

    /**
     * Whether an element is held and not yet expired. An expired one is logged and forgotten here; the
     * others are pruned by the 1 s timer ({@link #expireDue()}), not on every request: a full sweep per
     * knock made letmeinfwd's CPU grow with the leases held (20,000 leases: 651 us per knock with the sweep,
     * 343 us without; knocks/s from distinct sources 1,574 -> 2,389).
     */
    private boolean isLive(ElementKey k, long now) {
        Held h = elements.get(k);
        if (h == null) {
            return false;
        }
        if (h.expiresAt() - now > 0) {
            return true;
        }
        elements.remove(k);
        counted(h, null);
        log.info("lease expired " + k + " (kernel timeout)");
        return false;
    }

    /**
     * Refuses {@code fresh} new rules/elements beyond max-nr-rules, or beyond {@code user}'s share
     * (pruning expired elements first).
     */
    private Optional<CompletableFuture<Void>> capacity(long fresh, long now, UserId user, Limits limits) {
        int maxNrRules = limits.maxNrRules();
        int perUserLimit = limits.perUserLimit();
        int current = controlRules + elements.size() + jumps.size();
        if (fresh > 0 && current + fresh > maxNrRules) {
            pruneElements(now); // leases that expired since the last 1 s sweep do not count
            current = controlRules + elements.size() + jumps.size();
        }
        if (fresh > 0 && current + fresh > maxNrRules) {
            return Optional.of(CompletableFuture.failedFuture(new LeaseException("max-nr-rules (" + maxNrRules
                    + ") would be exceeded: " + current + " installed, " + fresh + " new")));
        }
        if (fresh > 0 && countOf(user) + fresh > perUserLimit) {
            pruneElements(now);
            if (countOf(user) + fresh > perUserLimit) {
                return Optional.of(CompletableFuture.failedFuture(new LeaseException("max-nr-rules-per-user ("
                        + perUserLimit + ") would be exceeded for user " + user + ": " + countOf(user)
                        + " held, " + fresh + " new")));
            }
        }
        return Optional.empty();
    }

    /** Undoes a failed install: only entries still carrying this change's generation. */
    private synchronized <K> void undo(Map<K, Held> map, Map<K, Held> previous, long gen) {
        previous.forEach((k, prev) -> {
            Held now = map.get(k);
            if (now != null && now.generation() == gen) {
                if (prev == null) {
                    map.remove(k);
                } else {
                    map.put(k, prev);
                }
                counted(now, prev);
            }
        });
    }

    /** Puts back what a failed revoke removed (unless a newer install has re-added it meanwhile). */
    private synchronized <K> void restore(Map<K, Held> map, Map<K, Held> previous) {
        previous.forEach((k, prev) -> {
            if (prev != null && map.putIfAbsent(k, prev) == null) {
                counted(null, prev);
            }
        });
    }

    private static String protoText(PortResource p) {
        return p.tcp() && p.udp() ? "tcp,udp" : p.tcp() ? "tcp" : "udp";
    }

    /** The underlying reason of a failed future. */
    public static Throwable cause(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
