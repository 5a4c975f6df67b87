package letmein.client.cli;

import java.io.PrintWriter;
import letmein.client.Environment;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;
import picocli.CommandLine;

/**
 * Builds the picocli command tree and maps outcomes to upstream's exit codes: 0 success, 1 run-time
 * error ({@code Error: …} on stderr), 2 usage error.
 */
public final class Cli {
    private Cli() {
    }

    /** Runs one command line; never calls {@code System.exit}. */
    public static int run(String[] args, Environment env) {
        return commandLine(env).execute(args);
    }

    /** The command tree, also used at build time to generate the man page and shell completion. */
    public static CommandLine commandLine(Environment env) {
        CommandLine cl = new CommandLine(new LetmeinCommand(env));
        cl.addSubcommand(new KnockCommand());
        cl.addSubcommand(new RevokeCommand());
        cl.addSubcommand(new GenKeyCommand());
        cl.addSubcommand(new ConnectCommand());
        cl.addSubcommand(new CheckCommand());
        cl.registerConverter(UserId.class, s -> {
            try {
                return UserId.parse(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.registerConverter(ResourceId.class, s -> {
            try {
                return ResourceId.parse(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        });
        cl.setOut(new PrintWriter(env.stdout(), true));
        cl.setErr(new PrintWriter(env.stderr(), true));
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(env, e));
        return cl;
    }

    /** Prints a run-time failure as {@code Error: …} and returns exit code 1. */
    static int report(Environment env, Exception e) {
        if (e instanceof ClientException) {
            env.stderr().println("Error: " + e.getMessage());
        } else {
            env.stderr().println("Error: internal error: " + e);
            e.printStackTrace(env.stderr());
        }
        env.stderr().flush();
        return 1;
    }
}
