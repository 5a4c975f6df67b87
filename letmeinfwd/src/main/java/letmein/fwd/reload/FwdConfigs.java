package letmein.fwd.reload;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import letmein.fwd.check.RequestCheck;
import letmein.fwd.lease.LeaseBook;
import letmein.fwd.nft.FirewallNames;
import letmein.proto.config.ConfigChecksum;
import letmein.proto.config.ServerConfig;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.reload.ReloadOutcome;
import letmein.proto.reload.Reloader;
import letmein.proto.reload.StableRead;

/**
 * letmeinfwd's running configuration and its reload. {@link #reload} is SIGHUP's; {@link #check} decides
 * every request under one snapshot, following the checksum rule of docs/PROTOCOL.md ("Live reload"):
 * <ol>
 * <li>the running file's checksum: checked as always;</li>
 * <li>the previous file's, within {@link #GRACE} of the reload ({@link ChecksumRule}): checked against the
 *     running configuration, and the user must still have a key in it;</li>
 * <li>any other: letmeind may have reloaded first. letmeinfwd reads the file again (at most once per
 *     {@link #TRIGGER_INTERVAL}) and applies it if, and only if, its checksum is the request's, then
 *     checks the request under it. So letmeind can make letmeinfwd apply only what is in the root-owned
 *     file, and only bytes letmeind itself read; everything else is refused as a checksum mismatch.</li>
 * </ol>
 * No firewall object changes on a reload: the settings behind letmeinfwd's sets and rules need a restart
 * ({@code ConfigDiff.needRestart}); leases already held stay until they expire or are revoked.
 */
public final class FwdConfigs {
    /** How long letmeind's previous checksum is accepted after a reload. */
    public static final Duration GRACE = Duration.ofSeconds(60);
    /** At most one re-read of the file per this interval because of an unknown checksum. */
    public static final Duration TRIGGER_INTERVAL = Duration.ofSeconds(1);

    /** A verdict and the snapshot it was reached under (the lease limits come from the same one). */
    public record Checked(RequestCheck.Verdict verdict, FwdConfig by) {
        public Checked {
            Objects.requireNonNull(verdict);
            Objects.requireNonNull(by);
        }
    }

    private final Reloader<FwdConfig> reloader;
    private final DaemonLog log;
    private final LongSupplier nanoClock;
    private final Duration grace;
    private final AtomicLong lastTrigger;

    /**
     * @param names        the firewall names letmeinfwd set up at start (they need a restart to change)
     * @param controlRules control-port rules counted against max-nr-rules
     */
    private volatile Consumer<ServerConfig> onApplied = c -> { };

    public FwdConfigs(ServerConfig initial, FirewallNames names, int controlRules, DaemonLog log,
            LongSupplier nanoClock, Duration grace, StableRead read) {
        this.log = Objects.requireNonNull(log);
        this.nanoClock = Objects.requireNonNull(nanoClock);
        this.grace = Objects.requireNonNull(grace);
        this.lastTrigger = new AtomicLong(nanoClock.getAsLong() - TRIGGER_INTERVAL.toNanos());
        FwdConfig first = new FwdConfig(initial, new RequestCheck(initial, names), limits(initial, controlRules),
                ChecksumRule.initial(initial.checksum()));
        this.reloader = new Reloader<>(first, (running, next) -> new FwdConfig(next, new RequestCheck(next, names),
                limits(next, controlRules), running.checksums().reloaded(next.checksum(), nanoClock.getAsLong(), grace)),
                read, Optional.of(letmein.proto.config.ConfigFileTrust.Reader.LETMEINFWD));
    }

    /** The lease limits {@code config} gives. */
    public static LeaseBook.Limits limits(ServerConfig config, int controlRules) {
        return new LeaseBook.Limits(config.nftables().timeout(), config.nftables().maxNrRules(),
                config.nftables().perUserLimit(controlRules, config.keys().size()));
    }

    public FwdConfig current() {
        return reloader.current();
    }

    /** Re-reads letmeind.conf (SIGHUP) and logs the one line of the outcome. */
    public ReloadOutcome reload(String trigger) {
        ReloadOutcome o = reloader.reload(trigger);
        logOutcome(o);
        return o;
    }

    /**
     * Called (on the thread that reloaded) with each configuration a reload applies: letmeinfwd brings
     * the protected-port set of its own table in line with the new [RESOURCES].
     */
    public void onApplied(Consumer<ServerConfig> listener) {
        this.onApplied = Objects.requireNonNull(listener);
    }

    private void logOutcome(ReloadOutcome o) {
        if (o instanceof ReloadOutcome.Applied) {
            onApplied.accept(current().config());
        }
        if (o instanceof ReloadOutcome.Refused) {
            log.warn(o.logLine());
        } else {
            log.info(o.logLine() + (o instanceof ReloadOutcome.Applied ? " " + limitsText(current()) : ""));
        }
    }

    private static String limitsText(FwdConfig c) {
        return "leases: max-nr-rules=" + c.limits().maxNrRules() + " per user=" + c.limits().perUserLimit()
                + " timeout=" + c.limits().defaultTimeout().toSeconds() + "s";
    }

    /** Decides {@code message} under one snapshot (see the class comment for the checksum rule). */
    public Checked check(FwdMessage message) {
        FwdConfig c = current();
        if (!(message instanceof FwdMessage.Request r)) {
            return new Checked(c.check().check(message), c);
        }
        long now = nanoClock.getAsLong();
        ChecksumRule.Match match = c.checksums().classify(r.checksum(), now);
        if (match instanceof ChecksumRule.Current) {
            return new Checked(c.check().check(message), c);
        }
        if (match instanceof ChecksumRule.Previous p) {
            if (c.config().key(r.user()).isEmpty()) {
                return new Checked(new RequestCheck.Refuse("user " + r.user() + " has no key in the reloaded "
                        + "letmeind.conf (letmeind still runs the previous one)"), c);
            }
            log.debug(() -> "request with letmeind's previous config checksum accepted (letmeind has not reloaded, "
                    + "or its session began before; " + p.remainingNanos() / 1_000_000_000L + " s of the grace left)");
            return new Checked(c.check().checkRequest(r), c);
        }
        Optional<FwdConfig> reloaded = reloadFor(r.checksum(), now);
        if (reloaded.isPresent()) {
            return new Checked(reloaded.get().check().check(message), reloaded.get());
        }
        String why = match instanceof ChecksumRule.PreviousExpired e
                ? "letmeind still uses the file letmeinfwd ran before its reload " + (grace.toSeconds()
                        + e.agoNanos() / 1_000_000_000L) + " s ago: reload letmeind (systemctl reload letmeind)"
                : "letmeind's " + shortText(r.checksum()) + " is neither the running " + shortText(c.config().checksum())
                        + " nor the previous one, and " + reloader.file() + " does not hold it (reload or restart both daemons)";
        return new Checked(new RequestCheck.Refuse("letmeind.conf checksum mismatch between letmeind and letmeinfwd: "
                + why), c);
    }

    /** The file read again because letmeind sent {@code wanted}: the new snapshot if it holds exactly that. */
    private Optional<FwdConfig> reloadFor(ConfigChecksum wanted, long now) {
        FwdConfig meanwhile = current(); // another request or a SIGHUP may have reloaded it already
        if (meanwhile.config().checksum().matches(wanted)) {
            return Optional.of(meanwhile);
        }
        long last = lastTrigger.get();
        if (now - last < TRIGGER_INTERVAL.toNanos() || !lastTrigger.compareAndSet(last, now)) {
            return Optional.empty();
        }
        ReloadOutcome o = reloader.reload("letmeind sent checksum " + shortText(wanted), Optional.of(wanted));
        logOutcome(o);
        FwdConfig c = current();
        return c.config().checksum().matches(wanted) ? Optional.of(c) : Optional.empty();
    }

    private static String shortText(ConfigChecksum c) {
        return c.toString().substring(0, 8);
    }
}
