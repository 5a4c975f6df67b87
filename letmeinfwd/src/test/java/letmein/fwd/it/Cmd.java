package letmein.fwd.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion (bounded) for the integration tests. */
final class Cmd {
    record Result(int exit, String out, String err) {
        Result ok(String what) {
            if (exit != 0) {
                throw new AssertionError(what + " failed (exit " + exit + "): " + err + out);
            }
            return this;
        }
    }

    private Cmd() {
    }

    static Result run(List<String> cmd) {
        return run(cmd, null);
    }

    static Result run(List<String> cmd, String stdin) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new AssertionError("failed to run " + cmd + ": " + e, e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
