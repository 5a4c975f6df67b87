package letmein.daemon;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.config.SeccompMode;
import letmein.proto.config.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * letmeind: the unprivileged, internet-facing daemon. Parses the command line, loads the config,
 * opens (or adopts) the control sockets, writes the pid file and serves until SIGTERM.
 */
@Command(name = "letmeind", mixinStandardHelpOptions = false, sortOptions = false,
        description = "letmein control-port daemon (port knocking, single-packet authorization).")
public final class Main implements Callable<Integer> {
    static final String VERSION = "12.5.0";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Server config file (letmeind.conf).")
    Path config;

    @Option(names = "--rundir", paramLabel = "DIR", defaultValue = "/run",
            description = "Runtime directory (default: ${DEFAULT-VALUE}).")
    Path rundir;

    @Option(names = "--no-systemd", description = "Do not use systemd socket activation or notification.")
    boolean noSystemd;

    @Option(names = {"-n", "--num-connections"}, paramLabel = "N", defaultValue = "64",
            description = "Maximum concurrent sessions (default: ${DEFAULT-VALUE}).")
    int numConnections;

    @Option(names = {"-N", "--num-ip-connections"}, paramLabel = "N", defaultValue = "8",
            description = "Maximum concurrent sessions per source (IPv4 address or IPv6 /56; default: "
                    + "${DEFAULT-VALUE}; at most -n).")
    int numIpConnections;

    @Option(names = "--check-config", description = "Validate the config file and exit (0 valid, 1 invalid).")
    boolean checkConfig;

    @Option(names = "--seccomp", description = "Accepted for compatibility; see the explanation printed at start.")
    boolean seccomp;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main(System.out, System.err));
        cl.getCommandSpec().version("letmeind version " + VERSION);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("letmeind: " + ex.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() {
        if (numConnections < 1 || numIpConnections < 1) {
            err.println("letmeind: -n and -N must be at least 1");
            return 2;
        }
        Path file = config != null ? config : Configs.defaultPath(Configs.SERVER_SEARCH_PATH);
        for (String w : Configs.permissionWarnings(file, true)) {
            err.println("letmeind: " + w);
        }
        ServerConfig cfg;
        try {
            cfg = Configs.loadServer(file);
        } catch (ConfigException e) {
            err.println("letmeind: " + e.getMessage());
            return 1;
        }
        if (checkConfig) {
            out.println("letmeind: " + file + ": configuration OK (" + cfg.keys().size() + " keys, "
                    + cfg.resources().size() + " resources, control port " + cfg.general().port() + ")");
            return 0;
        }
        return serve(cfg);
    }

    private int serve(ServerConfig cfg) {
        DecisionLog log = DecisionLog.stdout();
        if (seccomp || cfg.general().seccomp() != SeccompMode.OFF) {
            err.println("letmeind: seccomp requested, but a JVM cannot install upstream's per-process syscall "
                    + "allow-list (JIT and GC threads need more); the shipped systemd unit applies "
                    + "SystemCallFilter= instead (see SECURITY.md). Continuing without in-process seccomp.");
        }
        warnIfRoot();
        DaemonOptions opts = new DaemonOptions(rundir, numConnections, numIpConnections, FwdClient.DEFAULT_TIMEOUT);
        long pid = ProcessHandle.current().pid();
        Listen listen;
        SystemdNotifier notifier = new SystemdNotifier(
                noSystemd ? Optional.empty() : Optional.ofNullable(System.getenv("NOTIFY_SOCKET")), log);
        Server server = new Server(cfg, opts, log, new SecureRandomness());
        PidFile pidFile = new PidFile(opts.pidFile());
        CountDownLatch stop = new CountDownLatch(1);
        int[] exitCode = {0};
        try {
            Optional<Listen.Inherited> inherited = noSystemd ? Optional.empty()
                    : new SystemdSockets(Path.of("/proc")).fromEnvironment(System.getenv(), pid);
            int port = cfg.general().port().port();
            listen = inherited.isPresent() ? inherited.get()
                    : new Listen.Bind(InetAddress.getByName("::"), port, port);
            Signal.handle(new Signal("TERM"), s -> stop.countDown());
            Signal.handle(new Signal("INT"), s -> {
                err.println("letmeind: Interrupted by SIGINT.");
                exitCode[0] = 1;
                stop.countDown();
            });
            Signal.handle(new Signal("HUP"), s -> log.line("Reloading is not supported. Please restart letmeind instead."));
            server.start(listen);
            pidFile.write(pid);
            log.line("letmeind " + VERSION + ": serving control port " + cfg.general().port()
                    + " tcp=" + server.tcpAddress().map(Object::toString).orElse("-")
                    + " udp=" + server.udpAddress().map(Object::toString).orElse("-")
                    + " sockets=" + (inherited.isPresent() ? "systemd" : "bound")
                    + " transport=" + server.transportName()
                    + " policy=" + cfg.general().errorPolicy().configName()
                    + " control-timeout=" + cfg.general().controlTimeout().toMillis() + "ms"
                    + " max-sessions=" + opts.maxSessions() + " max-per-source=" + opts.effectivePerSource()
                    + " fwd=" + opts.fwdSocket());
            notifier.notify("READY=1");
            stop.await();
            notifier.notify("STOPPING=1");
            log.line("letmeind: shutting down");
            return exitCode[0];
        } catch (StartupException e) {
            err.println("letmeind: " + e.getMessage());
            return 1;
        } catch (java.net.UnknownHostException e) {
            err.println("letmeind: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            server.close();
            pidFile.remove();
        }
    }

    private void warnIfRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (Integer.valueOf(0).equals(uid)) {
                err.println("letmeind: WARNING: running as root. letmeind faces the network and needs no "
                        + "privileges; run it as the unprivileged user 'letmeind' (the shipped systemd unit does).");
            }
        } catch (Exception e) {
            // not on Linux /proc: cannot tell; nothing to warn about
        }
    }
}
