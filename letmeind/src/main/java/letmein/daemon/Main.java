package letmein.daemon;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.cli.ArgScanner;
import letmein.proto.cli.UsageException;
import letmein.proto.config.SeccompMode;
import letmein.proto.config.ServerConfig;
import sun.misc.Signal;

/**
 * letmeind: the unprivileged, internet-facing daemon. Parses the command line, loads the config,
 * opens (or adopts) the control sockets, writes the pid file and serves until SIGTERM.
 */
public final class Main implements Callable<Integer> {
    static final String VERSION = "12.5.0";
    /** The command line is parsed by hand: picocli's reflection alone cost ~3 MiB of idle memory. */
    static final String USAGE = String.join("\n",
            "Usage: letmeind [-c FILE] [--rundir DIR] [--no-systemd] [-n N] [-N N] [--check-config] [--seccomp MODE]",
            "                [-v] [-h]",
            "letmein control-port daemon (port knocking, single-packet authorization).",
            "  -c, --config FILE              Server config file (letmeind.conf).",
            "      --rundir DIR               Runtime directory (default: /run).",
            "      --no-systemd               Do not use systemd socket activation or notification.",
            "  -n, --num-connections N        Maximum concurrent sessions (default: 64).",
            "  -N, --num-ip-connections N     Maximum concurrent sessions per source (IPv4 address or IPv6 /56;",
            "                                 default: 8; at most -n).",
            "      --check-config             Validate the config file and exit (0 valid, 1 invalid).",
            "      --seccomp MODE             off|log|kill: accepted for compatibility; a JVM cannot install",
            "                                 seccomp lists (the systemd unit filters system calls instead).",
            "  -v, --version                  Print the version and exit.",
            "  -h, --help                     Show this help and exit.");

    Path config;

    Path rundir = Path.of("/run");

    boolean noSystemd;

    int numConnections = 64;

    int numIpConnections = 8;

    boolean checkConfig;

    /** {@code --seccomp MODE}, null when not given. */
    SeccompMode seccomp;


    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Main main = new Main(System.out, System.err);
        int rc = main.parse(args);
        if (rc < 0) {
            try {
                rc = main.call();
            } catch (RuntimeException e) {
                System.err.println("letmeind: " + e.getMessage());
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
            ArgScanner s = new ArgScanner(args, Set.of("-c", "-n", "-N"));
            while (s.hasNext()) {
                switch (s.next()) {
                    case "-h", "--help" -> {
                        s.noValue();
                        out.println(USAGE);
                        return 0;
                    }
                    case "-v", "--version" -> {
                        s.noValue();
                        out.println("letmeind version " + VERSION);
                        return 0;
                    }
                    case "-c", "--config" -> config = Path.of(s.value());
                    case "--rundir" -> rundir = Path.of(s.value());
                    case "--no-systemd" -> {
                        s.noValue();
                        noSystemd = true;
                    }
                    case "-n", "--num-connections" -> numConnections = s.positiveNumber();
                    case "-N", "--num-ip-connections" -> numIpConnections = s.positiveNumber();
                    case "--check-config" -> {
                        s.noValue();
                        checkConfig = true;
                    }
                    case "--seccomp" -> seccomp = s.seccompMode();
                    default -> throw s.unknown();
                }
            }
            return -1;
        } catch (UsageException e) {
            err.println("letmeind: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (java.nio.file.InvalidPathException e) {
            err.println("letmeind: invalid path: " + e.getMessage());
            return 2;
        }
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
        if ((seccomp != null && seccomp != SeccompMode.OFF) || cfg.general().seccomp() != SeccompMode.OFF) {
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
