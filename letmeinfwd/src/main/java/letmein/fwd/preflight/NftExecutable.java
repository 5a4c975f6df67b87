package letmein.fwd.preflight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import letmein.proto.config.CheckedServerConfig;
import letmein.proto.config.ConfigProblem;

/**
 * Finds {@code [NFTABLES] exe} as the daemon will run it: a value with a '/' is a path (relative to the
 * working directory); a bare name is looked up in each directory of {@code PATH} in order, an empty
 * entry meaning the working directory, as {@code execvp} and the JDK's process launcher do (with the
 * JDK's {@code :/bin:/usr/bin} when PATH is unset). The first regular file that may be executed wins.
 */
public final class NftExecutable {
    /** The search path the JDK uses to start a program when the environment has no PATH. */
    static final String DEFAULT_PATH = ":/bin:/usr/bin";

    private NftExecutable() {
    }

    /** The executable {@code exe} resolves to, if any. */
    public static Optional<Path> resolve(String exe, Map<String, String> env) {
        for (Path candidate : candidates(exe, env)) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The problem with {@code [NFTABLES] exe} of {@code checked}, if the executable cannot be run. */
    public static Optional<ConfigProblem> check(CheckedServerConfig checked, Map<String, String> env) {
        String exe = checked.config().nftables().exe();
        if (resolve(exe, env).isPresent()) {
            return Optional.empty();
        }
        int line = checked.document().lineOf("NFTABLES", "exe");
        boolean given = checked.document().option("NFTABLES", "exe").isPresent();
        String what = "[NFTABLES] exe = " + exe + (given ? "" : " (the default)") + ": ";
        String install = "install nftables (apt-get install nftables) or set exe to the full path of nft "
                + "(e.g. exe = /usr/sbin/nft)";
        String message;
        if (exe.contains("/")) {
            List<Path> c = candidates(exe, env);
            Path p = c.isEmpty() ? null : c.get(0);
            if (p == null) {
                message = what + "not a valid path. Fix: " + install;
            } else if (!Files.exists(p)) {
                message = what + p + " does not exist. Fix: " + install;
            } else if (Files.isDirectory(p)) {
                message = what + p + " is a directory, not the nft executable. Fix: " + install;
            } else {
                message = what + p + " is not executable (" + describe(p) + "). Fix: chmod 0755 " + p
                        + " if it is nft, or " + install;
            }
        } else {
            String path = env.getOrDefault("PATH", DEFAULT_PATH);
            List<String> notExecutable = new ArrayList<>();
            for (Path c : candidates(exe, env)) {
                if (Files.isRegularFile(c)) {
                    notExecutable.add(c + " (" + describe(c) + ")");
                }
            }
            message = what + "no executable '" + exe + "' in letmeinfwd's PATH (" + path + ")"
                    + (notExecutable.isEmpty() ? "" : "; found but not executable: " + String.join(", ", notExecutable))
                    + ". Fix: " + install + ", or add nft's directory to PATH";
        }
        return Optional.of(ConfigProblem.of(checked.config().file(), line, ConfigProblem.Severity.ERROR, message));
    }

    private static List<Path> candidates(String exe, Map<String, String> env) {
        List<Path> out = new ArrayList<>();
        try {
            if (exe.contains("/")) {
                out.add(Path.of(exe));
                return out;
            }
            String path = env.getOrDefault("PATH", DEFAULT_PATH);
            for (String dir : path.split(":", -1)) {
                out.add(Path.of(dir.isEmpty() ? "." : dir).resolve(exe));
            }
        } catch (InvalidPathException e) {
            // a name with a NUL byte or similar: no candidate, so "not found"
        }
        return out;
    }

    private static String describe(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode") & 07777;
            return String.format("mode %04o, owner %s", mode, Files.getOwner(p).getName());
        } catch (IOException | RuntimeException e) {
            return "mode unknown: " + e.getMessage();
        }
    }
}
