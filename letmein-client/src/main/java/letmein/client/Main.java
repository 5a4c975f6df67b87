package letmein.client;

import letmein.client.cli.Cli;
import letmein.client.cli.FastPath;

/**
 * Entry point of {@code letmein}, the knocking client. The plain knock/revoke/connect command lines
 * take the {@link FastPath} (no picocli classes loaded); everything else goes through {@link Cli}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Environment env = Environment.system();
        int code = run(args, env);
        env.stdout().flush();
        env.stderr().flush();
        System.exit(code);
    }

    /** One command line, in-process; never exits. */
    public static int run(String[] args, Environment env) {
        return FastPath.run(args, env).orElseGet(() -> Cli.run(args, env));
    }
}
