package letmein.fwd;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.Callable;
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
import letmein.fwd.nft.NftRunner;
import letmein.fwd.nft.NftShell;
import letmein.fwd.server.Accounts;
import letmein.fwd.server.FwdServer;
import letmein.fwd.server.PeerPolicy;
import letmein.fwd.server.RunDir;
import letmein.fwd.server.Systemd;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.config.SeccompMode;
import letmein.proto.config.ServerConfig;
import letmein.proto.daemon.ArgScanner;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.daemon.UsageException;

/**
 * letmeinfwd: the privileged firewall daemon. It is the only part with CAP_NET_ADMIN and can do exactly
 * two things for letmeind: open a configured resource for the address letmeind names, and close it.
 */
public final class Main implements Callable<Integer> {
    static final String VERSION = "letmeinfwd version 12.5.0";
    /** The command line is parsed by hand: picocli's reflection alone cost ~3 MiB of idle memory here. */
    static final String USAGE = String.join("\n",
            "Usage: letmeinfwd [-c FILE] [--rundir DIR] [--no-systemd] [-n N] [--check-config]",
            "                  [--letmeind-user NAME] [--letmeind-group NAME] [--seccomp MODE] [-h] [-v]",
            "letmein firewall daemon: opens and closes nftables leases for letmeind.",
            "  -c, --config FILE          server config (letmeind.conf)",
            "      --rundir DIR           runtime directory (default /run)",
            "      --no-systemd           bind the socket ourselves, do not use socket activation",
            "  -n, --num-connections N    connections served at once (default 8)",
            "      --check-config         validate the config and exit 0 (valid) or 1",
            "      --letmeind-user NAME   user allowed to connect (default letmeind)",
            "      --letmeind-group NAME  group allowed to connect and owning the socket (default letmeind)",
            "      --seccomp MODE         accepted for compatibility; the JVM cannot install seccomp lists,",
            "                             use the systemd unit's SystemCallFilter=",
            "  -h, --help                 show this help and exit",
            "  -v, --version              print the version and exit");

    /** Receive timeout for one IPC request (upstream: 13 s). */
    static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(13);
    /** Upper bound for one nft process, and for one transaction through the nft session. */
    static final Duration NFT_TIMEOUT = Duration.ofSeconds(20);
    /** An nft session unused for this long is ended: an idle letmeinfwd keeps no nft child. */
    static final Duration NFT_SESSION_IDLE = Duration.ofSeconds(10);
    /** Transactions per nft session (nft's line history slows every command as it grows). */
    static final int NFT_SESSION_TRANSACTIONS = 1000;

    Path config;

    Path rundir = Path.of("/run");

    boolean noSystemd;

    int numConnections = 8;

    boolean checkConfig;

    String letmeindUser = "letmeind";

    String letmeindGroup = "letmeind";

    /** {@code --seccomp MODE}, null when not given. */
    SeccompMode seccomp;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    Main(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        // Spawning nft is letmeinfwd's hot path: vfork+exec is ~1.5 ms faster per nft run than the
        // JDK 17 default (posix_spawn of jspawnhelper, which then execs nft). Read once at first spawn.
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        Main main = new Main(System.out, System.err, System.getenv());
        int rc = main.parse(args);
        if (rc < 0) {
            try {
                rc = main.call();
            } catch (RuntimeException e) {
                System.err.println("letmeinfwd: " + e.getMessage());
                rc = 1;
            }
        }
        System.exit(rc);
    }

    /**
     * Parses {@code args} into the fields. Returns -1 to run the daemon, or the exit code when the command
     * line was answered (help, version: 0) or wrong (2).
     */
    int parse(String[] args) {
        try {
            ArgScanner s = new ArgScanner(args, Set.of("-c", "-n"));
            while (s.hasNext()) {
                switch (s.next()) {
                    case "-h", "--help" -> {
                        s.noValue();
                        out.println(USAGE);
                        return 0;
                    }
                    case "-v", "--version" -> {
                        s.noValue();
                        out.println(VERSION);
                        return 0;
                    }
                    case "-c", "--config" -> config = Path.of(s.value());
                    case "--rundir" -> rundir = Path.of(s.value());
                    case "--no-systemd" -> {
                        s.noValue();
                        noSystemd = true;
                    }
                    case "-n", "--num-connections" -> numConnections = s.positiveNumber();
                    case "--check-config" -> {
                        s.noValue();
                        checkConfig = true;
                    }
                    case "--letmeind-user" -> letmeindUser = s.value();
                    case "--letmeind-group" -> letmeindGroup = s.value();
                    case "--seccomp" -> seccomp = s.seccompMode();
                    default -> throw s.unknown();
                }
            }
            return -1;
        } catch (UsageException e) {
            err.println("letmeinfwd: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (java.nio.file.InvalidPathException e) {
            err.println("letmeinfwd: invalid path: " + e.getMessage());
            return 2;
        }
    }

    @Override
    public Integer call() {
        if (numConnections < 1) {
            err.println("letmeinfwd: -n must be at least 1");
            return 2;
        }
        Path file = config != null ? config : Configs.defaultPath(Configs.SERVER_SEARCH_PATH);
        ServerConfig conf;
        FirewallNames names;
        try {
            conf = Configs.loadServer(file);
            names = FirewallNames.from(conf.nftables());
        } catch (ConfigException e) {
            err.println("letmeinfwd: " + e.getMessage());
            return 1;
        } catch (NftException e) {
            err.println("letmeinfwd: " + file + ": " + e.getMessage());
            return 1;
        }
        for (String w : Configs.permissionWarnings(file, true)) {
            err.println("letmeinfwd: " + w);
        }
        if (checkConfig) {
            out.println("letmeinfwd: " + file + ": configuration OK (" + conf.resources().size() + " resources, nftables "
                    + names.family().nftName() + " " + names.table() + ")");
            return 0;
        }
        if (seccomp != null && seccomp != SeccompMode.OFF) {
            err.println("letmeinfwd: warning: --seccomp is not supported by the JVM build; the systemd unit's "
                    + "SystemCallFilter= provides the syscall filter");
        }
        try {
            return serve(conf, names);
        } catch (StartupException e) {
            err.println("letmeinfwd: " + e.getMessage());
            return 1;
        }
    }

    /** A fatal problem at start (socket, nft, accounts); the message says what to fix. */
    static final class StartupException extends Exception {
        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private int serve(ServerConfig conf, FirewallNames names) throws StartupException {
        DaemonLog log = DaemonLog.to(out, conf.general().debug());
        PeerPolicy policy;
        Optional<GroupPrincipal> group;
        try {
            Optional<UserPrincipal> user = Accounts.user(letmeindUser);
            group = Accounts.group(letmeindGroup);
            policy = new PeerPolicy(Accounts.root(), user, group);
            if (user.isEmpty()) {
                log.warn("user " + letmeindUser + " does not exist; only root and group " + letmeindGroup + " may connect");
            }
            if (group.isEmpty()) {
                log.warn("group " + letmeindGroup + " does not exist; the socket stays root-only group");
            }
        } catch (IOException e) {
            throw new StartupException("cannot look up the letmeind account: " + e.getMessage(), e);
        }

        NftRunner nft = new NftRunner(conf.nftables().exe(), NFT_TIMEOUT);
        FirewallSetup setup = new FirewallSetup(nft, names, conf.general().port(), log);
        long pid = ProcessHandle.current().pid();
        // one timer thread: lease expiry every second and the receive timeout of each connection
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fwd-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        RunDir dir = null;
        boolean bound = false;
        NftBatcher batcher = null;
        NftShell shell = null;
        FwdServer server = null;
        CountDownLatch stop = new CountDownLatch(1);
        boolean firewallUp = false;
        try {
            String version = nft.probe();
            log.info("using " + version + " (" + conf.nftables().exe() + ")");
            dir = RunDir.create(rundir, group);
            setup.start();
            firewallUp = true;
            shell = new NftShell(nft, conf.nftables().exe(), NFT_TIMEOUT, NFT_SESSION_IDLE, NFT_SESSION_TRANSACTIONS, log);
            batcher = new NftBatcher(shell, names, log, 1000);
            RefreshMode refresh = new RefreshProbe(nft, names, log).detect();
            LeaseBook book = new LeaseBook(names, conf.nftables().timeout(), conf.nftables().maxNrRules(),
                    setup.controlRules(), batcher, TimeSource.SYSTEM, log, refresh);
            server = new FwdServer(timer, policy, new RequestCheck(conf, names), book, numConnections,
                    RECEIVE_TIMEOUT, log);
            boolean activated = !noSystemd && Systemd.socketActivated(env, pid);
            if (activated) {
                java.nio.channels.ServerSocketChannel inherited = Systemd.inheritedListener();
                server.adopt(inherited);
                dir.writePid(pid);
                log.info("serving on the socket passed by systemd (" + inherited.getLocalAddress() + ", on stdin) peers="
                        + policy + " max-connections=" + numConnections);
            } else {
                dir.clearStaleSocket();
                server.bind(dir.socketPath());
                bound = true;
                dir.secureSocket();
                dir.writePid(pid);
                log.info("serving on " + dir.socketPath() + " peers=" + policy + " max-connections=" + numConnections);
            }
            LeaseBook expiring = book;
            NftShell idling = shell;
            timer.scheduleAtFixedRate(() -> {
                try {
                    idling.watchdog();
                    expiring.expireDue();
                } catch (RuntimeException e) {
                    // a periodic task that throws is never run again: log and keep expiring
                    log.warn("lease expiry failed (will retry in 1 s): " + e);
                }
            }, 1, 1, TimeUnit.SECONDS);
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
                    s -> log.warn("reloading is not supported; restart letmeinfwd (and letmeind) instead"));
            if (activated) {
                log.info("systemd: " + Systemd.notifyReady(env));
            }
            stop.await();
            log.info("stopping: removing leases, sets and control-port rules");
            server.close();
            batcher.close();
            shell.close();
            book.clear();
            firewallUp = false;
            setup.stop();
            return 0;
        } catch (NftException e) {
            throw new StartupException("nftables: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (server != null) {
                server.close();
            }
            if (batcher != null) {
                batcher.close();
            }
            if (shell != null) {
                shell.close();
            }
            if (firewallUp) {
                try {
                    setup.stop();
                } catch (NftException e) {
                    log.warn("cannot remove letmeinfwd's rules and sets: " + e.getMessage());
                }
            }
            timer.shutdownNow();
            if (dir != null) {
                dir.cleanup(bound);
            }
        }
    }

}
