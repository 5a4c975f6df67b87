package letmein.fwd;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import letmein.fwd.lease.FirewallSetup;
import letmein.fwd.lease.KernelLease;
import letmein.fwd.lease.LeaseBook;
import letmein.fwd.lease.LeaseListing;
import letmein.fwd.lease.RefreshMode;
import letmein.fwd.lease.RefreshProbe;
import letmein.fwd.lease.TimeSource;
import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.NftBatcher;
import letmein.fwd.nft.NftCommands;
import letmein.fwd.nft.NftException;
import letmein.fwd.nft.NftProcess;
import letmein.fwd.nft.NftSession;
import letmein.fwd.preflight.Preflight;
import letmein.fwd.reload.FwdConfigs;
import letmein.fwd.server.Accounts;
import letmein.fwd.server.FwdServer;
import letmein.fwd.server.InheritedListener;
import letmein.fwd.server.PeerPolicy;
import letmein.fwd.server.RunDir;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.config.SeccompMode;
import letmein.proto.config.ServerConfig;
import letmein.proto.daemon.DaemonCommandLine;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.daemon.NotifyCommand;
import letmein.proto.daemon.PidFile;
import letmein.proto.daemon.RunPaths;
import letmein.proto.daemon.SocketActivation;
import letmein.proto.daemon.StartupException;
import letmein.proto.daemon.SystemdNotify;
import letmein.proto.reload.StableRead;

/**
 * letmeinfwd from a parsed command line to its exit code: loads the config, sets up the firewall,
 * serves letmeind's requests until SIGTERM or SIGINT, and takes everything down again. Whatever
 * {@link #start()} got running, it records in a field; {@link #close()} is the one way down, after a
 * failed start-up as after a signal.
 */
final class FwdDaemon implements AutoCloseable {
    /** How long one connection may take to deliver its 60-byte request (docs/PROTOCOL.md, letmeinfwd's side). */
    static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(13);
    /** Upper bound for one nft process, and for one transaction through the nft session. */
    static final Duration NFT_TIMEOUT = Duration.ofSeconds(20);
    /** An nft session unused for this long is ended: an idle letmeinfwd keeps no nft child. */
    static final Duration NFT_SESSION_IDLE = Duration.ofSeconds(10);
    /** Transactions per nft session (nft's line history slows every command as it grows). */
    static final int NFT_SESSION_TRANSACTIONS = 1000;
    /**
     * How often letmeinfwd lists its table (without set elements) to find out whether someone removed or
     * changed its objects: a removal is repaired within this period plus one transaction.
     */
    static final Duration CHECK_PERIOD = Duration.ofMillis(500);
    /** Most changes merged into one nft transaction. */
    static final int MAX_BATCH = 1000;

    /**
     * The command line.
     *
     * @param letmeindUser  {@code --letmeind-user}: may connect
     * @param letmeindGroup {@code --letmeind-group}: may connect (as primary group) and owns the socket
     */
    record Options(DaemonCommandLine.Common common, String letmeindUser, String letmeindGroup, Command command,
            boolean json) {
        Options(DaemonCommandLine.Common common, String letmeindUser, String letmeindGroup) {
            this(common, letmeindUser, letmeindGroup, Command.SERVE, false);
        }
    }

    /** What the command line asks for besides the options both daemons share. */
    enum Command {
        /** Run the daemon (the default). */
        SERVE,
        /** {@code --close-all}: close every lease now (root; the daemon may be running) and exit. */
        CLOSE_ALL,
        /** {@code --close-jump-leases}: remove the jump rules only (the unit's ExecStopPost=) and exit. */
        CLOSE_JUMP_LEASES,
        /** {@code --remove-firewall}: remove everything letmeinfwd created (the package's removal) and exit. */
        REMOVE_FIREWALL,
        /** {@code --list-leases [--json]}: print the leases the kernel holds (root; the daemon may be running). */
        LIST_LEASES
    }

    private final Options options;
    private final ServerConfig conf;
    private final FirewallNames names;
    private final DaemonLog log;
    private final Map<String, String> env;
    private final CountDownLatch stop = new CountDownLatch(1);

    // What start() got running, in the order it starts them; null (false) until then.
    private ScheduledThreadPoolExecutor timer;
    private FirewallSetup firewall;
    private NftSession session;
    private NftBatcher batcher;
    private LeaseBook book;
    private FwdServer server;
    /** The running configuration, once start() has set up the firewall; SIGHUP before that is only logged. */
    private volatile FwdConfigs configs;
    private RunDir boundSocketIn;
    private PidFile pidFile;
    /** A rebuild is queued or running (timer thread sets it, the batcher's thread clears it). */
    private volatile boolean healing;
    /** close() began: no more rebuilds. */
    private volatile boolean closing;
    /** The last firewall problem logged (timer thread), so that it is logged once, not every second. */
    private volatile String lastProblem;

    private FwdDaemon(Options options, ServerConfig conf, FirewallNames names, DaemonLog log, Map<String, String> env) {
        this.options = options;
        this.conf = conf;
        this.names = names;
        this.log = log;
        this.env = env;
    }

    /**
     * Loads the config and checks it ({@code --check-config}: exit 0 or 1) or serves until a signal:
     * exit 0 after a clean stop, 1 when start-up or the final firewall cleanup failed.
     */
    static int run(Options options, PrintStream out, PrintStream err, Map<String, String> env) {
        Path file = options.common().configFile();
        if (options.command() != Command.SERVE) {
            return command(options, file, out, err);
        }
        Optional<Preflight> loaded = Preflight.load(file, options.common().checkConfig(), NFT_TIMEOUT, env, out, err);
        if (loaded.isEmpty()) {
            return 1;
        }
        ServerConfig conf = loaded.get().config();
        FirewallNames names = loaded.get().names();
        if (options.common().checkConfig()) {
            out.println(Main.PROGRAM + ": " + file + ": configuration OK (" + conf.resources().size()
                    + " resources, nftables " + names.family().nftName() + " " + names.table() + ")");
            return 0;
        }
        if (options.common().seccomp().orElse(SeccompMode.OFF) != SeccompMode.OFF) {
            err.println(Main.PROGRAM + ": warning: --seccomp is not supported by the JVM build; the systemd unit's "
                    + "SystemCallFilter= provides the syscall filter");
        }
        DaemonLog log = DaemonLog.to(out, conf.general().debug());
        return new FwdDaemon(options, conf, names, log, env).serve(err);
    }

    /**
     * {@code --close-all}, {@code --close-jump-leases}, {@code --remove-firewall} (one nft transaction) and
     * {@code --list-leases} (one listing): exit 0, or 1 with the config's or nft's reason.
     */
    private static int command(Options options, Path file, PrintStream out, PrintStream err) {
        Command command = options.command();
        // only what names the firewall is needed: closing leases and removing the table must work on a
        // config the daemon itself would refuse to start on (no keys left, say, at uninstall time)
        ServerConfig conf;
        FirewallNames names;
        try {
            conf = Configs.loadServer(file);
            names = FirewallNames.from(conf.nftables());
        } catch (ConfigException e) {
            err.println(Main.PROGRAM + ": " + e.getMessage());
            return 1;
        } catch (NftException e) {
            err.println(Main.PROGRAM + ": " + file + ": " + e.getMessage());
            return 1;
        }
        NftProcess nft = new NftProcess(conf.nftables().exe(), NFT_TIMEOUT);
        FirewallSetup setup = new FirewallSetup(nft, names, conf.general().port(),
                FirewallSetup.protectedPorts(conf.resources().values()), DaemonLog.to(err, false));
        try {
            if (command == Command.LIST_LEASES) {
                return listLeases(nft, names, options.json(), out, err);
            }
            if (command == Command.CLOSE_ALL) {
                int n = setup.closeAll();
                out.println(Main.PROGRAM + ": closed " + n + " leases in table " + names.family().nftName() + " "
                        + names.table() + " (the protected ports stay shut; a running letmeinfwd forgets them at"
                        + " their expiry)");
            } else if (command == Command.REMOVE_FIREWALL) {
                out.println(Main.PROGRAM + ": removed " + setup.removeAll());
            } else {
                int n = setup.closeJumpLeases();
                out.println(Main.PROGRAM + ": removed " + n + " jump leases in table " + names.family().nftName() + " "
                        + names.table() + "; port leases stay until they expire");
            }
            return 0;
        } catch (NftException e) {
            err.println(Main.PROGRAM + ": nftables: " + e.getMessage());
            return 1;
        }
    }

    private static int listLeases(NftProcess nft, FirewallNames names, boolean json, PrintStream out, PrintStream err) {
        String table = names.family().nftName() + " " + names.table();
        JsonNode listing;
        try {
            listing = nft.listTable(names);
        } catch (NftException e) {
            err.println(Main.PROGRAM + ": " + e.getMessage() + " ("
                    + (names.ownTable() ? "letmeinfwd creates this table when it starts"
                            : "in upstream's mode the host's ruleset must create it")
                    + "; no table, no leases, and nothing of letmeinfwd's guards the resources' ports)");
            return 1;
        }
        LeaseListing leases = LeaseListing.of(table, listing);
        out.print(json ? leases.json().toPrettyString() + "\n" : leases.text());
        out.flush();
        return 0;
    }

    /** Starts, waits for SIGTERM or SIGINT, and closes; start-up and cleanup errors go to {@code err}. */
    private int serve(PrintStream err) {
        handleReloadSignals();
        StartupException failed = null;
        NftException cleanupFailed = null;
        boolean stopped = false;
        try {
            start();
            stop.await();
            log.info("stopping: port leases stay in the kernel until they expire; jump leases are removed");
            stopped = true;
        } catch (StartupException e) {
            failed = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                close();
            } catch (NftException e) {
                if (stopped) {
                    cleanupFailed = e;
                } else {
                    // the reason start-up failed matters more; this is logged beside it
                    log.warn("cannot remove letmeinfwd's jump leases: " + e.getMessage());
                }
            }
        }
        if (cleanupFailed != null) {
            err.println(Main.PROGRAM + ": nftables: " + cleanupFailed.getMessage());
            return 1;
        }
        if (failed != null) {
            err.println(Main.PROGRAM + ": " + failed.getMessage());
            return 1;
        }
        return stopped ? 0 : 1;
    }

    /** Sets up the firewall and starts serving; each piece is recorded for {@link #close()} as it starts. */
    private void start() throws StartupException {
        PeerPolicy policy;
        Optional<GroupPrincipal> group;
        try {
            Optional<UserPrincipal> user = Accounts.user(options.letmeindUser());
            group = Accounts.group(options.letmeindGroup());
            policy = new PeerPolicy(Accounts.root(), user, group);
            if (user.isEmpty()) {
                log.warn("user " + options.letmeindUser() + " does not exist; only root and group "
                        + options.letmeindGroup() + " may connect");
            }
            if (group.isEmpty()) {
                log.warn("group " + options.letmeindGroup() + " does not exist; the socket stays root-only group");
            }
        } catch (IOException e) {
            throw new StartupException("cannot look up the letmeind account: " + e.getMessage(), e);
        }
        String exe = conf.nftables().exe();
        int connections = options.common().numConnections();
        long pid = ProcessHandle.current().pid();
        NftProcess nft = new NftProcess(exe, NFT_TIMEOUT);
        // one timer thread: the 1 s tick (lease expiry, nft session watchdog) and each connection's receive timeout
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fwd-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        try {
            log.info("using " + nft.probe() + " (" + exe + ")");
            RunDir dir = RunDir.create(options.common().runPaths(), group);
            FirewallSetup setup = new FirewallSetup(nft, names, conf.general().port(),
                    FirewallSetup.protectedPorts(conf.resources().values()), log);
            List<KernelLease> adopted = setup.start();
            firewall = setup;
            session = new NftSession(nft, exe, NFT_TIMEOUT, NFT_SESSION_IDLE, NFT_SESSION_TRANSACTIONS, log);
            batcher = new NftBatcher(session, names, log, MAX_BATCH);
            RefreshMode refresh = new RefreshProbe(nft, names, log).detect();
            FwdConfigs live = new FwdConfigs(conf, names, setup.controlRules(), log, System::nanoTime,
                    FwdConfigs.GRACE, StableRead.DEFAULT);
            LeaseBook.Limits limits = live.current().limits();
            book = new LeaseBook(names, limits.defaultTimeout(), limits.maxNrRules(), limits.perUserLimit(),
                    setup.controlRules(), batcher, TimeSource.SYSTEM, log, refresh);
            book.adopt(adopted);
            log.info("leases: max-nr-rules=" + limits.maxNrRules() + " per user=" + limits.perUserLimit() + " ("
                    + (conf.nftables().maxNrRulesPerUser() > 0 ? "max-nr-rules-per-user"
                            : "an equal share for each of " + conf.keys().size() + " users with a key") + ")");
            live.onApplied(this::protectResources);
            server = new FwdServer(timer, policy, live, book, connections, RECEIVE_TIMEOUT, log);
            configs = live;
            boolean activated = !options.common().noSystemd() && InheritedListener.activated(env, pid);
            if (activated) {
                ServerSocketChannel inherited = InheritedListener.fromStdin(new SocketActivation(Path.of("/proc")));
                server.adopt(inherited);
                writePidFile(pid);
                log.info("serving on the socket passed by systemd (" + inherited.getLocalAddress() + ", on stdin) peers="
                        + policy + " max-connections=" + connections);
            } else {
                dir.clearStaleSocket();
                server.bind(dir.socketPath());
                boundSocketIn = dir;
                dir.secureSocket();
                writePidFile(pid);
                log.info("serving on " + dir.socketPath() + " peers=" + policy + " max-connections=" + connections);
            }
            timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
            timer.scheduleWithFixedDelay(this::checkFirewall, CHECK_PERIOD.toMillis(), CHECK_PERIOD.toMillis(),
                    TimeUnit.MILLISECONDS);
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
            if (activated) {
                notifyReady();
            }
        } catch (NftException e) {
            throw new StartupException("nftables: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * SIGHUP reloads letmeind.conf (before the firewall is set up it is only logged); SIGUSR1, whose default
     * action would end the JVM, is logged and ignored. Installed first thing, so neither can kill the
     * daemon while it starts. SIGPIPE the JVM ignores by itself.
     */
    private void handleReloadSignals() {
        sun.misc.SignalHandler old = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
            FwdConfigs c = configs;
            if (c == null) {
                log.warn("reload: SIGHUP during start-up ignored; send it again once letmeinfwd serves");
            } else {
                c.reload("SIGHUP");
            }
        });
        if (old == sun.misc.SignalHandler.SIG_IGN) {
            log.warn("SIGHUP is ignored by whoever started letmeinfwd (nohup?): reloading by signal will not work");
        }
        sun.misc.Signal.handle(new sun.misc.Signal("USR1"),
                s -> log.info("SIGUSR1 ignored (letmeinfwd reloads on SIGHUP)"));
    }

    private void writePidFile(long pid) throws StartupException {
        pidFile = new PidFile(options.common().runPaths().fwdPidFile());
        pidFile.write(pid);
    }

    /**
     * After a reload: the own table's protected-port set follows the new [RESOURCES] (one transaction
     * through the batcher; nothing in upstream's mode, where the admin's ruleset closes the ports).
     */
    private void protectResources(ServerConfig next) {
        Set<NftCommands.ProtectedPort> ports = FirewallSetup.protectedPorts(next.resources().values());
        if (ports.equals(firewall.protectedPorts())) {
            return;
        }
        Optional<NftBatcher.Change> change = firewall.replaceProtected(ports);
        if (change.isEmpty()) {
            return;
        }
        batcher.submit(change.get()).whenComplete((ok, err) -> {
            if (err == null) {
                log.info("firewall: protected ports now " + FirewallSetup.describe(ports));
            } else {
                // the repair check sees the set unchanged only by its name, so say what to do
                log.warn("firewall: cannot update the protected ports (" + LeaseBook.cause(err).getMessage()
                        + "); the next repair or restart of letmeinfwd applies them result=error");
            }
        });
    }

    /** Every second on the timer thread: ends a stuck or idle nft session, removes expired leases. */
    private void tick() {
        try {
            session.watchdog();
            book.expireDue();
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: log and keep expiring
            log.warn("lease expiry failed (will retry in 1 s): " + e);
        }
    }

    /** Every {@link #CHECK_PERIOD} on the timer thread: {@link #heal()}, never throwing. */
    private void checkFirewall() {
        try {
            heal();
        } catch (RuntimeException e) {
            log.warn("firewall check failed (will retry): " + e);
        }
    }

    /**
     * Checks the firewall (a listing without set elements) and, if something is missing or changed,
     * rebuilds it through the batcher with every live lease at its remaining time. What is found is
     * logged once per kind of problem, not every second.
     */
    private void heal() {
        if (healing || closing) {
            return;
        }
        FirewallSetup.Health health = firewall.check();
        if (!(health instanceof FirewallSetup.Health.Broken broken)) {
            if (lastProblem != null) {
                log.info("firewall: in place again");
                lastProblem = null;
            }
            return;
        }
        if (!broken.repairable()) {
            if (!broken.what().equals(lastProblem)) {
                log.warn("firewall: " + broken.what() + "; knocks fail until it exists again (letmeinfwd never "
                        + "creates the admin's table or chains), then leases are restored result=error");
                lastProblem = broken.what();
            }
            return;
        }
        log.warn("firewall: " + broken.what() + " (someone flushed or reloaded the ruleset): restoring it");
        lastProblem = broken.what();
        healing = true;
        batcher.submitAlone("restore the firewall", () -> firewall.rebuild(book)).whenComplete((ok, err) -> {
            healing = false;
            if (err == null) {
                log.info("firewall: restored");
                lastProblem = null;
            } else {
                log.warn("firewall: cannot restore it (will retry in 1 s): " + LeaseBook.cause(err).getMessage());
            }
        });
    }

    /** READY=1 through {@code systemd-notify} (the unit needs {@code NotifyAccess=all}); never fatal. */
    private void notifyReady() {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            log.info("systemd: no NOTIFY_SOCKET");
        } else if (SystemdNotify.fromEnvironment(env, false, new NotifyCommand(), log, Main.PROGRAM).ready()) {
            log.info("systemd: READY=1 sent to " + socket + " (systemd-notify; the unit needs NotifyAccess=all)");
        }
    }

    /**
     * Takes down what {@link #start()} got running, each piece only if it started: no more requests
     * (requests in progress get a second), no more nft transactions, the nft session ends, then the
     * jump leases leave the kernel (port leases, their sets and rules stay: what is open stays open until
     * its kernel timeout, the next start adopts it). The socket and the pid file go last, so while they
     * exist letmeinfwd is still at work. A failure to clean the firewall is thrown after everything else
     * has been closed.
     */
    @Override
    public void close() throws NftException {
        closing = true;
        if (server != null) {
            server.close();
        }
        if (batcher != null) {
            batcher.close();
        }
        if (session != null) {
            session.close();
        }
        if (book != null) {
            book.clear(); // after the batcher: a batch still finishing may write to the book
        }
        NftException firewallFailure = null;
        if (firewall != null) {
            try {
                firewall.stop();
            } catch (NftException e) {
                firewallFailure = e;
            }
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (boundSocketIn != null) {
            boundSocketIn.removeSocket();
        }
        if (pidFile != null) {
            pidFile.remove();
        }
        if (firewallFailure != null) {
            throw firewallFailure;
        }
    }
}
