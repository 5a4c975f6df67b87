package letmein.fwd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Looks up numeric uid/gid of the letmeind account through {@code getent} (so NSS sources such as LDAP
 * count, not only /etc/passwd). The JDK has no getpwnam; this runs once at start.
 */
public final class Accounts {
    private Accounts() {
    }

    /** uid of user {@code name}, empty if there is no such user. */
    public static OptionalInt uid(String name) throws IOException {
        return lookup("passwd", name);
    }

    /** gid of group {@code name}, empty if there is no such group. */
    public static OptionalInt gid(String name) throws IOException {
        return lookup("group", name);
    }

    private static OptionalInt lookup(String db, String name) throws IOException {
        if (name.isEmpty() || name.startsWith("-") || name.contains(":") || name.contains("\n")) {
            throw new IOException("invalid account name '" + name + "'");
        }
        Process p = new ProcessBuilder("getent", db, name).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readNBytes(4096);
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("getent " + db + " " + name + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during getent", e);
        }
        if (p.exitValue() == 2) {
            return OptionalInt.empty();
        }
        if (p.exitValue() != 0) {
            throw new IOException("getent " + db + " " + name + " failed with exit code " + p.exitValue());
        }
        String[] fields = new String(out, StandardCharsets.UTF_8).trim().split(":");
        if (fields.length < 3) {
            throw new IOException("getent " + db + " " + name + " printed an unexpected line");
        }
        try {
            return OptionalInt.of(Integer.parseInt(fields[2]));
        } catch (NumberFormatException e) {
            throw new IOException("getent " + db + " " + name + " printed a non-numeric id", e);
        }
    }
}
