package letmein.proto.reload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import letmein.proto.config.GeneralConfig;
import letmein.proto.config.NftablesConfig;
import letmein.proto.config.ServerConfig;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * What differs between the running {@code letmeind.conf} and a newly read one. Pure: computed from two
 * parsed configurations, no I/O.
 *
 * <p>{@link #needRestart()} lists the settings that cannot change while a daemon runs, because they
 * were used once at start-up: the control port (letmeind's sockets, letmeinfwd's control-port rules),
 * {@code debug} and {@code seccomp} (how the daemons were set up), and the {@code [NFTABLES]} names and
 * executable (the sets and rules letmeinfwd has installed). If any of them differs, both daemons
 * refuse the whole reload, so that they keep running on the same file. Everything else is applied live:
 * users and keys, resources, {@code control-timeout}, {@code control-error-policy}, and
 * {@code [NFTABLES] timeout}, {@code max-nr-rules}, {@code max-nr-rules-per-user}.
 *
 * @param usersAdded        users with a key only in the new file
 * @param usersRemoved      users with a key only in the running file
 * @param keysChanged       users in both whose key differs
 * @param resourcesAdded    resources only in the new file
 * @param resourcesRemoved  resources only in the running file
 * @param resourcesChanged  resources in both whose definition differs
 * @param settingsChanged   live settings that differ, as {@code name old -> new}
 * @param needRestart       restart-only settings that differ, as {@code name old -> new}
 */
public record ConfigDiff(Set<UserId> usersAdded, Set<UserId> usersRemoved, Set<UserId> keysChanged,
        Set<ResourceId> resourcesAdded, Set<ResourceId> resourcesRemoved, Set<ResourceId> resourcesChanged,
        List<String> settingsChanged, List<String> needRestart) {

    public ConfigDiff {
        usersAdded = sorted(usersAdded);
        usersRemoved = sorted(usersRemoved);
        keysChanged = sorted(keysChanged);
        resourcesAdded = sorted(resourcesAdded);
        resourcesRemoved = sorted(resourcesRemoved);
        resourcesChanged = sorted(resourcesChanged);
        settingsChanged = List.copyOf(settingsChanged);
        needRestart = List.copyOf(needRestart);
    }

    private static <T extends Comparable<T>> Set<T> sorted(Set<T> s) {
        return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(s));
    }

    /** The differences between {@code running} and {@code next}. */
    public static ConfigDiff between(ServerConfig running, ServerConfig next) {
        Set<UserId> added = new TreeSet<>();
        Set<UserId> removed = new TreeSet<>();
        Set<UserId> changed = new TreeSet<>();
        compare(running.keys(), next.keys(), added, removed, changed);
        Set<ResourceId> rAdded = new TreeSet<>();
        Set<ResourceId> rRemoved = new TreeSet<>();
        Set<ResourceId> rChanged = new TreeSet<>();
        compare(running.resources(), next.resources(), rAdded, rRemoved, rChanged);

        List<String> live = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        GeneralConfig a = running.general();
        GeneralConfig b = next.general();
        differs(restart, "[GENERAL] port", a.port(), b.port());
        differs(restart, "[GENERAL] debug", a.debug(), b.debug());
        differs(restart, "[GENERAL] seccomp", a.seccomp().name().toLowerCase(java.util.Locale.ROOT),
                b.seccomp().name().toLowerCase(java.util.Locale.ROOT));
        differs(live, "[GENERAL] control-timeout", a.controlTimeout().toMillis() + "ms",
                b.controlTimeout().toMillis() + "ms");
        differs(live, "[GENERAL] control-error-policy", a.errorPolicy().configName(), b.errorPolicy().configName());
        NftablesConfig n = running.nftables();
        NftablesConfig m = next.nftables();
        differs(restart, "[NFTABLES] exe", n.exe(), m.exe());
        differs(restart, "[NFTABLES] family", n.family().map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).orElse("-"),
                m.family().map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).orElse("-"));
        differs(restart, "[NFTABLES] table", n.table().orElse("-"), m.table().orElse("-"));
        differs(restart, "[NFTABLES] chain-input", n.chainInput().orElse("-"), m.chainInput().orElse("-"));
        differs(restart, "[NFTABLES] chain-forward", n.chainForward().orElse("-"), m.chainForward().orElse("-"));
        differs(restart, "[NFTABLES] chain-output", n.chainOutput().orElse("-"), m.chainOutput().orElse("-"));
        differs(restart, "[NFTABLES] own-table", n.ownTable().orElse("-"), m.ownTable().orElse("-"));
        differs(live, "[NFTABLES] timeout", n.timeout().toSeconds() + "s", m.timeout().toSeconds() + "s");
        differs(live, "[NFTABLES] max-nr-rules", n.maxNrRules(), m.maxNrRules());
        differs(live, "[NFTABLES] max-nr-rules-per-user", n.maxNrRulesPerUser(), m.maxNrRulesPerUser());
        return new ConfigDiff(added, removed, changed, rAdded, rRemoved, rChanged, live, restart);
    }

    private static <K, V> void compare(Map<K, V> running, Map<K, V> next, Set<K> added, Set<K> removed,
            Set<K> changed) {
        for (Map.Entry<K, V> e : next.entrySet()) {
            V old = running.get(e.getKey());
            if (old == null) {
                added.add(e.getKey());
            } else if (!old.equals(e.getValue())) {
                changed.add(e.getKey());
            }
        }
        for (K k : running.keySet()) {
            if (!next.containsKey(k)) {
                removed.add(k);
            }
        }
    }

    private static void differs(List<String> into, String name, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            into.add(name + " " + running + " -> " + next);
        }
    }

    /** True if nothing but comments or layout changed. */
    public boolean meaningUnchanged() {
        return usersAdded.isEmpty() && usersRemoved.isEmpty() && keysChanged.isEmpty() && resourcesAdded.isEmpty()
                && resourcesRemoved.isEmpty() && resourcesChanged.isEmpty() && settingsChanged.isEmpty()
                && needRestart.isEmpty();
    }

    /**
     * One line for the log, e.g. {@code users +[00000003] -[] keys-changed=[] resources +[] -[] ~[00000022]
     * settings=[[GENERAL] control-timeout 5000ms -> 3000ms]}; key material never appears.
     */
    public String summary() {
        return "users +" + usersAdded + " -" + usersRemoved + " keys-changed=" + keysChanged + " resources +"
                + resourcesAdded + " -" + resourcesRemoved + " ~" + resourcesChanged + " settings=" + settingsChanged;
    }
}
