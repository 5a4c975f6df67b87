package letmein.client;

import letmein.client.cli.Cli;
import letmein.client.cli.FastPath;
import letmein.proto.auth.Authenticator;

/**
 * Entry point of {@code letmein}, the knocking client. The plain knock/revoke/connect command lines
 * take the {@link FastPath} (no picocli classes loaded); everything else goes through {@link Cli}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        startWarmUp();
        Environment env = Environment.system();
        int code = run(args, env);
        env.stdout().flush();
        env.stderr().flush();
        System.exit(code);
    }

    /**
     * BouncyCastle's one-time set-up, on a spare thread while the main thread reads the config and
     * resolves the host (the client starts for every ssh connection; docs/client.md, "Start-up and the
     * class-data-sharing archive"). Silent: a failure here shows up again, with its real message, when
     * the main thread computes the MAC.
     */
    private static final class WarmUp implements Runnable {
        @Override
        public void run() {
            try {
                Authenticator.warmUp();
            } catch (RuntimeException | LinkageError e) {
                // deliberately ignored, see above; stdout/stderr must stay clean for `letmein connect`
            }
        }
    }

    /** Starts {@link WarmUp} on a daemon thread (also called by the CDS training run, so it is archived). */
    public static Thread startWarmUp() {
        Thread warm = new Thread(new WarmUp(), "letmein-warm-up");
        warm.setDaemon(true);
        warm.start();
        return warm;
    }

    /** One command line, in-process; never exits. */
    public static int run(String[] args, Environment env) {
        // no lambda here: the first lambda of a process links the method-handle machinery (~5 ms)
        java.util.Optional<Integer> fast = FastPath.run(args, env);
        return fast.isPresent() ? fast.get() : Cli.run(args, env);
    }
}
