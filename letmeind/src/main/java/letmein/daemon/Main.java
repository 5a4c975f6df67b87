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
import sun.misc.Signal;

/**
 * letmeind: the unprivileged, internet-facing daemon. Parses the command line, loads the config,
 * opens (or adopts) the control sockets, writes the pid file and serves until SIGTERM.
 */
public final class Main implements Callable<Integer> {
    static final String VERSION = "12.5.0";
    /** The command line is parsed by hand: picocli's reflection alone cost ~3 MiB of idle memory. */
    static final String USAGE = String.join("\n",
            "Usage: letmeind [-c FILE] [--rundir DIR] [--no-systemd] [-n N] [-N N] [--check-config] [--seccomp]",
            "                [-v] [-h]",
            "letmein control-port daemon (port knocking, single-packet authorization).",
            "  -c, --config FILE              Server config file (letmeind.conf).",
            "      --rundir DIR               Runtime directory (default: /run).",
            "      --no-systemd               Do not use systemd socket activation or notification.",
            "  -n, --num-connections N        Maximum concurrent sessions (default: 64).",
            "  -N, --num-ip-connections N     Maximum concurrent sessions per source (IPv4 address or IPv6 /56;",
            "                                 default: 8; at most -n).",
            "      --check-config             Validate the config file and exit (0 valid, 1 invalid).",
            "      --seccomp                  Accepted for compatibility; see the explanation printed at start.",
            "  -v, --version                  Print the version and exit.",
            "  -h, --help                     Show this help and exit.");

    Path config;

    Path rundir = Path.of("/run");

    boolean noSystemd;

    int numConnections = 64;

    int numIpConnections = 8;

    boolean checkConfig;

    boolean seccomp;


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

    /** A command-line error: exit code 2 with the message and the usage on stderr. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private static final java.util.Set<String> TAKES_VALUE = java.util.Set.of("-c", "--config", "--rundir", "-n",
            "--num-connections", "-N", "--num-ip-connections");

    /**
     * Parses {@code args} into the fields. Returns -1 to run the daemon, or the exit code when the command
     * line was answered (help, version: 0) or wrong (2). Accepts {@code --opt VALUE}, {@code --opt=VALUE}
     * and {@code -cVALUE}.
     */
    int parse(String[] args) {
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String name = a;
                String inline = null;
                if (a.startsWith("--") && a.indexOf('=') > 0) {
                    name = a.substring(0, a.indexOf('='));
                    inline = a.substring(a.indexOf('=') + 1);
                } else if (a.length() > 2 && !a.startsWith("--") && TAKES_VALUE.contains(a.substring(0, 2))) {
                    name = a.substring(0, 2);
                    inline = a.substring(2).startsWith("=") ? a.substring(3) : a.substring(2);
                }
                switch (name) {
                    case "-h", "--help" -> {
                        noValue(name, inline);
                        out.println(USAGE);
                        return 0;
                    }
                    case "-v", "--version" -> {
                        noValue(name, inline);
                        out.println("letmeind version " + VERSION);
                        return 0;
                    }
                    case "-c", "--config" -> config = Path.of(value(args, i, name, inline));
                    case "--rundir" -> rundir = Path.of(value(args, i, name, inline));
                    case "--no-systemd" -> {
                        noValue(name, inline);
                        noSystemd = true;
                    }
                    case "-n", "--num-connections" -> numConnections = number(value(args, i, name, inline), name);
                    case "-N", "--num-ip-connections" -> numIpConnections = number(value(args, i, name, inline), name);
                    case "--check-config" -> {
                        noValue(name, inline);
                        checkConfig = true;
                    }
                    case "--seccomp" -> {
                        noValue(name, inline);
                        seccomp = true;
                    }
                    default -> throw new UsageException(a.startsWith("-") ? "unknown option '" + a + "'"
                            : "unexpected argument '" + a + "'");
                }
                if (inline == null && TAKES_VALUE.contains(name)) {
                    i++; // the value was the next argument
                }
                if (inline != null && inline.isEmpty()) {
                    throw new UsageException("missing value for " + name);
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

    private static int number(String v, String name) throws UsageException {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("invalid value for " + name + ": '" + v + "' is not a number");
        }
    }

    /** The option's value: inline ({@code --opt=V}, {@code -cV}) or the next argument. */
    private static String value(String[] args, int i, String name, String inline) throws UsageException {
        if (inline != null) {
            return inline;
        }
        if (i + 1 >= args.length) {
            throw new UsageException("missing value for " + name);
        }
        return args[i + 1];
    }

    private static void noValue(String name, String inline) throws UsageException {
        if (inline != null) {
            throw new UsageException(name + " takes no value");
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
