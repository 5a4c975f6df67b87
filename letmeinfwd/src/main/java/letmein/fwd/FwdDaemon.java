package letmein.fwd;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import letmein.fwd.check.RequestCheck;
import letmein.fwd.lease.FirewallSetup;
import letmein.fwd.lease.LeaseBook;
import letmein.fwd.lease.RefreshMode;
import letmein.fwd.lease.RefreshProbe;
import letmein.fwd.lease.TimeSource;
import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.NftBatcher;
import letmein.fwd.nft.NftException;
import letmein.fwd.nft.NftProcess;
import letmein.fwd.nft.NftSession;
import letmein.fwd.preflight.FwdConfig;
import letmein.fwd.server.Accounts;
import letmein.fwd.server.FwdServer;
import letmein.fwd.server.InheritedListener;
import letmein.fwd.server.PeerPolicy;
import letmein.fwd.server.RunDir;
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
    /** Most changes merged into one nft transaction. */
    static final int MAX_BATCH = 1000;

    /**
     * The command line.
     *
     * @param letmeindUser  {@code --letmeind-user}: may connect
     * @param letmeindGroup {@code --letmeind-group}: may connect (as primary group) and owns the socket
     */
    record Options(DaemonCommandLine.Common common, String letmeindUser, String letmeindGroup) {
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
    private RunDir boundSocketIn;
    private PidFile pidFile;

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
        Optional<FwdConfig> loaded = FwdConfig.load(file, options.common().checkConfig(), NFT_TIMEOUT, env, out, err);
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

    /** Starts, waits for SIGTERM or SIGINT, and closes; start-up and cleanup errors go to {@code err}. */
    private int serve(PrintStream err) {
        StartupException failed = null;
        NftException cleanupFailed = null;
        boolean stopped = false;
        try {
            start();
            stop.await();
            log.info("stopping: removing leases, sets and control-port rules");
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
                    log.warn("cannot remove letmeinfwd's rules and sets: " + e.getMessage());
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
            FirewallSetup setup = new FirewallSetup(nft, names, conf.general().port(), log);
            setup.start();
            firewall = setup;
            session = new NftSession(nft, exe, NFT_TIMEOUT, NFT_SESSION_IDLE, NFT_SESSION_TRANSACTIONS, log);
            batcher = new NftBatcher(session, names, log, MAX_BATCH);
            RefreshMode refresh = new RefreshProbe(nft, names, log).detect();
            int perUser = conf.nftables().perUserLimit(setup.controlRules(), conf.keys().size());
            book = new LeaseBook(names, conf.nftables().timeout(), conf.nftables().maxNrRules(), perUser,
                    setup.controlRules(), batcher, TimeSource.SYSTEM, log, refresh);
            log.info("leases: max-nr-rules=" + conf.nftables().maxNrRules() + " per user=" + perUser + " ("
                    + (conf.nftables().maxNrRulesPerUser() > 0 ? "max-nr-rules-per-user"
                            : "an equal share for each of " + conf.keys().size() + " users with a key") + ")");
            server = new FwdServer(timer, policy, new RequestCheck(conf, names), book, connections,
                    RECEIVE_TIMEOUT, log);
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
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
                    s -> log.warn("reloading is not supported; restart letmeinfwd (and letmeind) instead"));
            if (activated) {
                notifyReady();
            }
        } catch (NftException e) {
            throw new StartupException("nftables: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private void writePidFile(long pid) throws StartupException {
        pidFile = new PidFile(options.common().runPaths().fwdPidFile());
        pidFile.write(pid);
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
     * (requests in progress get a second), no more nft transactions, the nft session ends, then
     * letmeinfwd's rules and sets leave the kernel. The socket and the pid file go last, so while they
     * exist letmeinfwd is still at work. A failure to clean the firewall is thrown after everything else
     * has been closed.
     */
    @Override
    public void close() throws NftException {
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
