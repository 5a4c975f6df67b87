package letmein.fwd;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

import letmein.proto.daemon.ArgScanner;
import letmein.proto.daemon.DaemonCommandLine;
import letmein.proto.daemon.UsageException;

/**
 * letmeinfwd's command line: the options both daemons share ({@link DaemonCommandLine}) plus
 * {@code --letmeind-user} and {@code --letmeind-group}; everything after parsing is {@link FwdDaemon}'s.
 */
public final class Main {
    static final String PROGRAM = "letmeinfwd";
    static final int DEFAULT_CONNECTIONS = 8;
    static final String USAGE = String.join("\n",
            "Usage: letmeinfwd [-c FILE] [--rundir DIR] [--no-systemd] [-n N] [--check-config]",
            "                  [--letmeind-user NAME] [--letmeind-group NAME] [--seccomp MODE] [-h] [-v]",
            "       letmeinfwd [-c FILE] --list-leases [--json]",
            "       letmeinfwd [-c FILE] --close-all | --close-jump-leases | --remove-firewall",
            "letmein firewall daemon: opens and closes nftables leases for letmeind.",
            "  -c, --config FILE          server config (letmeind.conf)",
            "      --rundir DIR           runtime directory (default /run)",
            "      --no-systemd           bind the socket ourselves, do not use socket activation",
            "  -n, --num-connections N    connections served at once (default " + DEFAULT_CONNECTIONS + ")",
            "      --check-config         validate the config and exit 0 (valid) or 1",
            "      --letmeind-user NAME   user allowed to connect (default letmeind)",
            "      --letmeind-group NAME  group allowed to connect and owning the socket (default letmeind)",
            "      --list-leases          print the open leases the kernel holds: address, protocol, port",
            "                             (or jump chain), user, resource, time left (root; also while",
            "                             letmeinfwd runs) and exit",
            "      --json                 with --list-leases: one JSON array for scripts",
            "      --close-all            close every lease now (root; also while letmeinfwd runs) and exit",
            "      --close-jump-leases    remove only the jump leases (rules) and exit; port leases stay",
            "                             until their kernel timeout (the unit's ExecStopPost=)",
            "      --remove-firewall      remove everything letmeinfwd created (own table, or its rules",
            "                             and sets in upstream's mode) and exit: for uninstalling",
            "      --seccomp MODE         accepted for compatibility; the JVM cannot install seccomp lists,",
            "                             use the systemd unit's SystemCallFilter=",
            "  -h, --help                 show this help and exit",
            "  -v, --version              print the version and exit");

    private Main() {
    }

    public static void main(String[] args) {
        // Spawning nft is letmeinfwd's hot path: vfork+exec is ~1.5 ms faster per nft run than the
        // JDK 17 default (posix_spawn of jspawnhelper, which then execs nft). Read once at first spawn.
        if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
        int rc;
        try {
            rc = run(args, System.out, System.err, System.getenv());
        } catch (RuntimeException e) {
            System.err.println(PROGRAM + ": " + e.getMessage());
            rc = 1;
        }
        System.exit(rc);
    }

    /** Runs the command line to its exit code: 0 for help and version, 2 for a usage error, else the daemon's. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        AccountOptions accounts = new AccountOptions();
        DaemonCommandLine.Parsed parsed = new DaemonCommandLine(PROGRAM, USAGE, DEFAULT_CONNECTIONS, Set.of(), accounts)
                .parse(args, out, err);
        if (parsed instanceof DaemonCommandLine.Parsed.Exit exit) {
            return exit.code();
        }
        DaemonCommandLine.Common common = ((DaemonCommandLine.Parsed.Run) parsed).options();
        if (accounts.json && accounts.command != FwdDaemon.Command.LIST_LEASES) {
            err.println(PROGRAM + ": --json only goes with --list-leases");
            err.println(DaemonCommandLine.hint(PROGRAM));
            return 2;
        }
        return FwdDaemon.run(new FwdDaemon.Options(common, accounts.user, accounts.group, accounts.command,
                accounts.json), out, err, env);
    }

    /**
     * {@code --letmeind-user} and {@code --letmeind-group} (who may connect, and which group owns the
     * socket) and the commands {@code --list-leases [--json]}, {@code --close-all}, {@code --close-jump-leases},
     * {@code --remove-firewall}. A class rather than a
     * lambda, because it also holds the values.
     */
    private static final class AccountOptions implements DaemonCommandLine.Extra {
        String user = "letmeind";
        String group = "letmeind";
        FwdDaemon.Command command = FwdDaemon.Command.SERVE;
        boolean json;

        @Override
        public boolean option(String name, ArgScanner scanner) throws UsageException {
            switch (name) {
                case "--letmeind-user" -> user = scanner.value();
                case "--letmeind-group" -> group = scanner.value();
                case "--close-all" -> command(FwdDaemon.Command.CLOSE_ALL, name);
                case "--close-jump-leases" -> command(FwdDaemon.Command.CLOSE_JUMP_LEASES, name);
                case "--remove-firewall" -> command(FwdDaemon.Command.REMOVE_FIREWALL, name);
                case "--list-leases" -> command(FwdDaemon.Command.LIST_LEASES, name);
                case "--json" -> json = true;
                default -> {
                    return false;
                }
            }
            return true;
        }

        private void command(FwdDaemon.Command c, String option) throws UsageException {
            if (command != FwdDaemon.Command.SERVE && command != c) {
                throw new UsageException("--list-leases, --close-all, --close-jump-leases and --remove-firewall exclude each other"
                        + " (got " + option + ")");
            }
            command = c;
        }
    }
}
