package letmein.client;

import letmein.client.cli.Cli;

/** Entry point of {@code letmein}, the knocking client; see {@link Cli} for the commands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Environment env = Environment.system();
        int code = Cli.run(args, env);
        env.stdout().flush();
        env.stderr().flush();
        System.exit(code);
    }
}
