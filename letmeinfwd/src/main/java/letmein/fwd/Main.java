package letmein.fwd;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import letmein.fwd.check.RequestCheck;
import letmein.fwd.lease.FirewallSetup;
import letmein.fwd.lease.LeaseBook;
import letmein.fwd.lease.TimeSource;
import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.NftBatcher;
import letmein.fwd.nft.NftException;
import letmein.fwd.nft.NftRunner;
import letmein.fwd.server.Accounts;
import letmein.fwd.server.FwdServer;
import letmein.fwd.server.PeerPolicy;
import letmein.fwd.server.RunDir;
import letmein.fwd.server.Systemd;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.config.ServerConfig;

/**
 * letmeinfwd: the privileged firewall daemon. It is the only part with CAP_NET_ADMIN and can do exactly
 * two things for letmeind: open a configured resource for the address letmeind names, and close it.
 */
@Command(name = "letmeinfwd", version = "letmeinfwd 12.5.0",
        description = "letmein firewall daemon: opens and closes nftables leases for letmeind.")
public final class Main implements Callable<Integer> {
    /** Receive timeout for one IPC request (upstream: 13 s). */
    static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(13);
    /** Upper bound for one nft process. */
    static final Duration NFT_TIMEOUT = Duration.ofSeconds(20);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "print the version and exit")
    boolean version;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "server config (letmeind.conf)")
    Path config;

    @Option(names = "--rundir", paramLabel = "DIR", defaultValue = "/run", description = "runtime directory (default /run)")
    Path rundir;

    @Option(names = "--no-systemd", description = "bind the socket ourselves, do not use socket activation")
    boolean noSystemd;

    @Option(names = {"-n", "--num-connections"}, paramLabel = "N", defaultValue = "8",
            description = "connections served at once (default 8)")
    int numConnections;

    @Option(names = "--check-config", description = "validate the config and exit 0 (valid) or 1")
    boolean checkConfig;

    @Option(names = "--letmeind-user", paramLabel = "NAME", defaultValue = "letmeind",
            description = "user allowed to connect (default letmeind)")
    String letmeindUser;

    @Option(names = "--letmeind-group", paramLabel = "NAME", defaultValue = "letmeind",
            description = "group allowed to connect and owning the socket (default letmeind)")
    String letmeindGroup;

    @Option(names = "--seccomp", paramLabel = "MODE", arity = "0..1",
            description = "accepted for compatibility; the JVM cannot install seccomp lists, use the systemd unit's SystemCallFilter=")
    String seccomp;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    Main(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        // Netty would otherwise enumerate network interfaces (and warn inside empty namespaces) only to
        // make channel ids unique across hosts, which a local Unix socket does not need.
        System.setProperty("io.netty.machineId", "02:00:00:00:00:00:00:01");
        // Spawning nft is letmeinfwd's hot path: vfork+exec is ~1.5 ms faster per nft run than the
        // JDK 17 default (posix_spawn of jspawnhelper, which then execs nft). Read once at first spawn.
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        Main main = new Main(System.out, System.err, System.getenv());
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.err.println("letmeinfwd: " + e.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
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
        if (seccomp != null) {
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
        Log log = Log.to(out, conf.general().debug());
        if (!Epoll.isAvailable()) {
            throw new StartupException("Netty epoll transport unavailable: " + Epoll.unavailabilityCause(), null);
        }
        PeerPolicy policy;
        Optional<java.nio.file.attribute.GroupPrincipal> group;
        try {
            OptionalInt uid = Accounts.uid(letmeindUser);
            OptionalInt gid = Accounts.gid(letmeindGroup);
            group = RunDir.group(letmeindGroup);
            policy = new PeerPolicy(uid, gid);
            if (uid.isEmpty()) {
                log.warn("user " + letmeindUser + " does not exist; only root and group " + letmeindGroup + " may connect");
            }
            if (gid.isEmpty()) {
                log.warn("group " + letmeindGroup + " does not exist; the socket stays root-only group");
            }
        } catch (IOException e) {
            throw new StartupException("cannot look up the letmeind account: " + e.getMessage(), e);
        }

        NftRunner nft = new NftRunner(conf.nftables().exe(), NFT_TIMEOUT);
        FirewallSetup setup = new FirewallSetup(nft, names, conf.general().port(), log);
        long pid = ProcessHandle.current().pid();
        EventLoopGroup loop = new EpollEventLoopGroup(1);
        RunDir dir = null;
        boolean bound = false;
        NftBatcher batcher = null;
        FwdServer server = null;
        CountDownLatch stop = new CountDownLatch(1);
        boolean firewallUp = false;
        try {
            String version = nft.probe();
            log.info("using " + version + " (" + conf.nftables().exe() + ")");
            dir = RunDir.create(rundir, group);
            setup.start();
            firewallUp = true;
            batcher = new NftBatcher(nft, names, log, 1000);
            LeaseBook book = new LeaseBook(names, conf.nftables().timeout(), conf.nftables().maxNrRules(),
                    setup.controlRules(), batcher, TimeSource.SYSTEM, log);
            server = new FwdServer(loop, policy, new RequestCheck(conf, names), book, numConnections,
                    RECEIVE_TIMEOUT, log);
            OptionalInt fd = noSystemd ? OptionalInt.empty() : Systemd.listenFd(env, pid);
            if (fd.isPresent()) {
                server.adopt(fd.getAsInt());
                log.info("serving on the socket passed by systemd (fd " + fd.getAsInt() + ")");
            } else {
                dir.clearStaleSocket();
                server.bind(dir.socketPath());
                bound = true;
                dir.secureSocket();
                log.info("serving on " + dir.socketPath() + " peers=" + policy + " max-connections=" + numConnections);
            }
            dir.writePid(pid);
            loop.scheduleAtFixedRate(book::expireDue, 1, 1, TimeUnit.SECONDS);
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.countDown());
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
                    s -> log.warn("reloading is not supported; restart letmeinfwd (and letmeind) instead"));
            if (fd.isPresent()) {
                log.info("systemd: " + Systemd.notifyReady(env, loop));
            }
            stop.await();
            log.info("stopping: removing leases, sets and control-port rules");
            server.close();
            batcher.close();
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
            if (firewallUp) {
                try {
                    setup.stop();
                } catch (NftException e) {
                    log.warn("cannot remove letmeinfwd's rules and sets: " + e.getMessage());
                }
            }
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (dir != null) {
                dir.cleanup(bound);
            }
        }
    }

}
