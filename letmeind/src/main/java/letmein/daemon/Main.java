package letmein.daemon;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import letmein.daemon.fwd.FwdClient;
import letmein.daemon.systemd.ActivatedSockets;
import letmein.daemon.systemd.NettyNotifyTransport;
import letmein.daemon.transport.ControlServer;
import letmein.daemon.transport.Listen;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.CheckedServerConfig;
import letmein.proto.config.ConfigException;
import letmein.proto.config.ConfigFileTrust;
import letmein.proto.config.ConfigProblem;
import letmein.proto.config.Configs;
import letmein.proto.config.SeccompMode;
import letmein.proto.config.ServerConfig;
import letmein.proto.daemon.DaemonCommandLine;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.daemon.PidFile;
import letmein.proto.daemon.StartupException;
import letmein.proto.daemon.SystemdNotify;
import letmein.proto.daemon.Version;
import sun.misc.Signal;

/**
 * letmeind: the unprivileged, internet-facing daemon. Parses the command line, loads the config,
 * opens (or adopts) the control sockets ({@link ControlServer}), writes the pid file and serves until
 * SIGTERM. The path of one knock from here on is in docs/ARCHITECTURE.md.
 */
public final class Main {
    static final String USAGE = String.join("\n",
            "Usage: letmeind [-c FILE] [--rundir DIR] [--no-systemd] [-n N] [-N N] [--check-config] [--seccomp MODE]",
            "                [-v] [-h]",
            "letmein control-port daemon (port knocking, single-packet authorization).",
            "  -c, --config FILE              Server config file (letmeind.conf).",
            "      --rundir DIR               Runtime directory (default: /run).",
            "      --no-systemd               Do not use systemd socket activation or notification.",
            "  -n, --num-connections N        Maximum concurrent sessions (default: " + DaemonOptions.DEFAULT_MAX_SESSIONS
                    + ").",
            "  -N, --num-ip-connections N     Maximum concurrent sessions per source (IPv4 address or IPv6 /64;",
            "                                 default: " + DaemonOptions.DEFAULT_MAX_PER_SOURCE + "; at most -n).",
            "      --check-config             Validate the config file and exit (0 valid, 1 invalid).",
            "      --seccomp MODE             off|log|kill: accepted for compatibility; a JVM cannot install",
            "                                 seccomp lists (the systemd unit filters system calls instead).",
            "  -v, --version                  Print the version and exit.",
            "  -h, --help                     Show this help and exit.");

    private final PrintStream out;
    private final PrintStream err;
    private int numIpConnections = DaemonOptions.DEFAULT_MAX_PER_SOURCE;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int rc;
        try {
            rc = new Main(System.out, System.err).run(args);
        } catch (RuntimeException e) {
            System.err.println("letmeind: " + e.getMessage());
            rc = 1;
        }
        System.exit(rc);
    }

    /** Runs the command line to its exit code. */
    int run(String[] args) {
        DaemonCommandLine cli = new DaemonCommandLine("letmeind", USAGE, DaemonOptions.DEFAULT_MAX_SESSIONS,
                Set.of("-N"), (name, s) -> {
                    if (name.equals("-N") || name.equals("--num-ip-connections")) {
                        numIpConnections = s.positiveNumber();
                        return true;
                    }
                    return false;
                });
        DaemonCommandLine.Parsed parsed = cli.parse(args, out, err);
        if (parsed instanceof DaemonCommandLine.Parsed.Exit exit) {
            return exit.code();
        }
        DaemonCommandLine.Common opts = ((DaemonCommandLine.Parsed.Run) parsed).options();
        Path file = opts.configFile();
        ServerConfig cfg = load(file);
        if (cfg == null) {
            return 1;
        }
        if (opts.checkConfig()) {
            out.println("letmeind: " + file + ": configuration OK (" + cfg.keys().size() + " keys, "
                    + cfg.resources().size() + " resources, control port " + cfg.general().port() + ")");
            return 0;
        }
        return serve(cfg, opts);
    }

    /**
     * Loads the config as both --check-config and the start do: the file's owner and mode
     * ({@link ConfigFileTrust}), then parsing and {@code ServerConfigCheck}. Prints every problem;
     * null if any is an error.
     */
    private ServerConfig load(Path file) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigFileTrust.check(file, ConfigFileTrust.Reader.LETMEIND));
        CheckedServerConfig checked = null;
        try {
            checked = Configs.loadServerChecked(file);
            problems.addAll(checked.problems());
        } catch (ConfigException e) {
            problems.add(ConfigProblem.of(e.file(), e.line(), ConfigProblem.Severity.ERROR, e.problem()));
        }
        for (ConfigProblem p : problems) {
            err.println("letmeind: " + p);
        }
        if (checked == null || ConfigProblem.anyError(problems)) {
            return null;
        }
        return checked.config();
    }

    private int serve(ServerConfig cfg, DaemonCommandLine.Common cli) {
        DaemonLog log = DaemonLog.to(System.out, cfg.general().debug());
        if (cli.seccomp().orElse(SeccompMode.OFF) != SeccompMode.OFF || cfg.general().seccomp() != SeccompMode.OFF) {
            err.println("letmeind: seccomp requested, but a JVM cannot install upstream's per-process syscall "
                    + "allow-list (JIT and GC threads need more); the shipped systemd unit applies "
                    + "SystemCallFilter= instead (see SECURITY.md). Continuing without in-process seccomp.");
        }
        warnIfRoot();
        DaemonOptions opts = new DaemonOptions(cli.rundir(), cli.numConnections(), numIpConnections,
                FwdClient.DEFAULT_TIMEOUT);
        long pid = ProcessHandle.current().pid();
        SystemdNotify notify = SystemdNotify.fromEnvironment(System.getenv(), cli.noSystemd(),
                new NettyNotifyTransport(), log, "letmeind");
        ControlServer server = new ControlServer(cfg, opts, log, new SecureRandomness());
        PidFile pidFile = new PidFile(opts.pidFile());
        CountDownLatch stop = new CountDownLatch(1);
        int[] exitCode = {0};
        handleReloadSignals(server, log);
        try {
            Optional<Listen.Inherited> inherited = cli.noSystemd() ? Optional.empty()
                    : new ActivatedSockets(Path.of("/proc")).fromEnvironment(System.getenv(), pid);
            int port = cfg.general().port().port();
            Listen listen = inherited.isPresent() ? inherited.get()
                    : new Listen.Bind(InetAddress.getByName("::"), port, port);
            Signal.handle(new Signal("TERM"), s -> stop.countDown());
            Signal.handle(new Signal("INT"), s -> {
                err.println("letmeind: Interrupted by SIGINT.");
                exitCode[0] = 1;
                stop.countDown();
            });
            server.start(listen);
            pidFile.write(pid);
            log.info("letmeind " + Version.text() + ": serving control port " + cfg.general().port()
                    + " tcp=" + server.tcpAddress().map(Object::toString).orElse("-")
                    + " udp=" + server.udpAddress().map(Object::toString).orElse("-")
                    + " sockets=" + (inherited.isPresent() ? "systemd" : "bound")
                    + " transport=" + server.transportName()
                    + " policy=" + cfg.general().errorPolicy().configName()
                    + " control-timeout=" + cfg.general().controlTimeout().toMillis() + "ms"
                    + " max-sessions=" + opts.maxSessions() + " max-per-source=" + opts.effectivePerSource()
                    + " fwd=" + opts.fwdSocket());
            notify.ready();
            stop.await();
            notify.stopping();
            log.info("letmeind: shutting down");
            return exitCode[0];
        } catch (StartupException | java.net.UnknownHostException e) {
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

    /**
     * SIGHUP reloads letmeind.conf (while letmeind starts, the reload is refused and logged); SIGUSR1, whose
     * default action would end the JVM, is logged and ignored. Installed before the sockets open, so
     * neither can kill the daemon. SIGPIPE the JVM ignores by itself.
     */
    private static void handleReloadSignals(ControlServer server, DaemonLog log) {
        sun.misc.SignalHandler old = Signal.handle(new Signal("HUP"), s -> server.reload("SIGHUP"));
        if (old == sun.misc.SignalHandler.SIG_IGN) {
            log.warn("SIGHUP is ignored by whoever started letmeind (nohup?): reloading by signal will not work");
        }
        Signal.handle(new Signal("USR1"), s -> log.info("SIGUSR1 ignored (letmeind reloads on SIGHUP)"));
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
