package letmein.client.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import letmein.client.Environment;
import letmein.proto.config.ClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The top-level {@code letmein} command: global options, {@code --check-config}, no-subcommand help. */
@Command(name = "letmein", versionProvider = VersionProvider.class, sortOptions = false,
        description = "Knock on a letmein server so that it opens a port for this host.",
        footer = {"", "Exit status: 0 success, 1 error, 2 usage error.",
            "ssh: ProxyCommand letmein connect %%h %%p   (see conf/ssh_config.example)"})
public final class LetmeinCommand implements Callable<Integer> {
    private final Environment env;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Client configuration file. Default: the first existing of /etc/letmein/letmein.conf, "
                    + "/opt/letmein/etc/letmein.conf, /etc/letmein.conf.")
    Path config;

    @Option(names = "--verbose", description = "Print each step of the exchange to stderr.")
    boolean verbose;

    @Option(names = "--seccomp", paramLabel = "off|log|kill",
            description = "Accepted for compatibility; a JVM cannot use upstream's seccomp filter (no effect).")
    String seccomp;

    @Option(names = "--check-config", description = "Validate the configuration file and exit (0 valid, 1 invalid).")
    boolean checkConfig;

    @Option(names = "--dns", hidden = true, paramLabel = "X")
    String obsoleteDns;

    @Option(names = "--dns-crypt", hidden = true, paramLabel = "X")
    String obsoleteDnsCrypt;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    public LetmeinCommand(Environment env) {
        this.env = env;
    }

    Environment env() {
        return env;
    }

    Path configPath() {
        return config != null ? config : env.defaultConfig().get();
    }

    Diagnostics diagnostics() {
        return new Diagnostics(env.stderr(), verbose);
    }

    Actions actions() {
        return new Actions(env, config, verbose);
    }

    /** Validates the global options and prints their notes; called by every command first. */
    void prepare() {
        if (seccomp != null) {
            String s = seccomp.strip().toLowerCase(java.util.Locale.ROOT);
            if (!s.equals("off") && !s.equals("log") && !s.equals("kill")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--seccomp': '" + seccomp + "' (expected off, log or kill)");
            }
            if (!s.equals("off")) {
                diagnostics().warn("--seccomp " + s + " has no effect: a JVM cannot install upstream's seccomp"
                        + " filter. The client is short-lived and unprivileged; the daemons use systemd's"
                        + " SystemCallFilter= instead.");
            }
        }
        if (obsoleteDns != null) {
            diagnostics().warn("--dns has become obsolete and is ignored; the system resolver is used.");
        }
        if (obsoleteDnsCrypt != null) {
            diagnostics().warn("--dns-crypt has become obsolete and is ignored; the system resolver is used.");
        }
    }

    @Override
    public Integer call() throws ClientException {
        prepare();
        if (checkConfig) {
            Path p = configPath();
            ClientConfig c = actions().loadConfig();
            if (!c.exists() || !Files.exists(p)) {
                env.stdout().println(p + ": does not exist; the defaults are in effect");
                return 0;
            }
            env.stdout().println(p + ": configuration OK (" + c.keys().size() + " key(s), " + c.resources().size()
                    + " resource(s), control port " + c.general().port() + ")");
            return 0;
        }
        env.stderr().println("Error: no command given.");
        spec.commandLine().usage(env.stderr());
        return 1;
    }
}
