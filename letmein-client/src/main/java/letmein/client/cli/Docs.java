package letmein.client.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import letmein.client.ConfigSource;
import letmein.client.Environment;
import letmein.client.net.RetryPolicy;
import letmein.client.net.Ticker;
import letmein.client.plan.Resolver;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.GeneralConfig;
import letmein.proto.daemon.Version;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Build-time generator of {@code letmein.1} (man page) and {@code letmein_completion} (bash/zsh) from
 * the same picocli model the program parses with, so they cannot drift from the real options.
 * Usage: {@code Docs OUTPUT_DIR}.
 */
public final class Docs {
    private Docs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Docs OUTPUT_DIR");
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        CommandLine cl = Cli.commandLine(placeholderEnvironment());
        Files.writeString(dir.resolve("letmein_completion"), AutoComplete.bash("letmein", cl), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("letmein.1"), manPage(cl), StandardCharsets.UTF_8);
    }

    /** The model needs an environment object; nothing in it is used while generating text. */
    private static Environment placeholderEnvironment() {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        ClientConfig defaults = new ClientConfig(Path.of("letmein.conf"), false, GeneralConfig.DEFAULT,
                ClientConfig.DEFAULT_USER, Map.of(), Map.of());
        ConfigSource none = new ConfigSource() {
            @Override
            public ClientConfig load(Path file) {
                return defaults;
            }

            @Override
            public List<String> permissionWarnings(Path file) {
                return List.of();
            }
        };
        return new Environment(new ByteArrayInputStream(new byte[0]), sink, sink, Resolver.system(), none,
                () -> Path.of("letmein.conf"), new SecureRandomness(), Ticker.system(),
                new RetryPolicy(Duration.ofMillis(50), 1.0, Duration.ofMillis(50)));
    }

    static String manPage(CommandLine cl) {
        StringBuilder m = new StringBuilder();
        m.append(".TH LETMEIN 1 \"\" \"letmein ").append(Version.text()).append("\" \"User Commands\"\n");
        m.append(".SH NAME\nletmein \\- knock on a letmein server so that it opens a port for this host\n");
        m.append(".SH SYNOPSIS\n");
        m.append(".B letmein\n[\\fB-c\\fR \\fIFILE\\fR] [\\fB--verbose\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n.br\n");
        for (CommandLine sub : cl.getSubcommands().values()) {
            String[] custom = sub.getCommandSpec().usageMessage().customSynopsis();
            String syn = custom.length > 0 ? custom[0].replaceFirst("^letmein " + sub.getCommandName() + " ", "")
                    : synopsis(sub.getCommandSpec());
            m.append(".B letmein ").append(sub.getCommandName()).append("\n").append(esc(syn)).append("\n.br\n");
        }
        m.append(".SH DESCRIPTION\n").append(esc(String.join(" ", cl.getCommandSpec().usageMessage().description())))
                .append("\n");
        m.append(".SH GLOBAL OPTIONS\n");
        options(m, cl.getCommandSpec());
        m.append(".SH COMMANDS\n");
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            m.append(".SS ").append(s.name()).append("\n")
                    .append(esc(String.join(" ", s.usageMessage().description()).replace("%%", "%"))).append("\n");
            for (PositionalParamSpec p : s.positionalParameters()) {
                m.append(".TP\n.I ").append(esc(p.paramLabel())).append("\n")
                        .append(esc(String.join(" ", p.description()))).append("\n");
            }
            options(m, s);
        }
        m.append(".SH SSH\nKnock before every ssh connection with a ProxyCommand in \\fI~/.ssh/config\\fR:\n")
                .append(".PP\n.nf\nHost myserver\n    ProxyCommand letmein connect %h %p\n.fi\n")
                .append(".PP\nOr keep ssh's own connection and knock first:\n.PP\n.nf\n")
                .append("Match host myserver exec \"letmein knock %h 22\"\n.fi\n");
        m.append(".SH EXIT STATUS\n0 success; 1 run-time error (message on stderr); 2 command-line usage error.\n")
                .append("\\fBcheck\\fR exits 1 if the port is reachable without a knock, the address families"
                        + " disagree, or the audit could not be done.\n");
        m.append(".SH FILES\n/etc/letmein/letmein.conf, /opt/letmein/etc/letmein.conf, /etc/letmein.conf"
                + " (first existing; a missing file means defaults)\n");
        return m.toString();
    }

    private static String synopsis(CommandSpec s) {
        StringBuilder b = new StringBuilder();
        for (OptionSpec o : s.options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            b.append(" [").append(o.shortestName()).append(o.typeInfo().isBoolean() ? "" : " " + o.paramLabel())
                    .append("]");
        }
        for (PositionalParamSpec p : s.positionalParameters()) {
            boolean optional = p.arity().min() == 0;
            b.append(' ').append(optional ? "[" : "").append(p.paramLabel()).append(optional ? "]" : "");
        }
        return b.toString().strip();
    }

    private static void options(StringBuilder m, CommandSpec s) {
        for (OptionSpec o : s.options()) {
            if (o.hidden()) {
                continue;
            }
            m.append(".TP\n.B ").append(esc(String.join(", ", o.names())))
                    .append(o.typeInfo().isBoolean() ? "" : " \\fI" + esc(o.paramLabel()) + "\\fR").append("\n")
                    .append(esc(String.join(" ", o.description()).replace("%%", "%"))).append("\n");
        }
    }

    private static String esc(String s) {
        String t = s.replace("\\", "\\\\").replace("-", "\\-");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
