package letmein.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the lab needs from the machine. Missing pieces make the end-to-end tests fail with a message
 * that says how to get them - never skip silently, so CI cannot go green without running them.
 */
final class Prerequisites {
    private static final List<String> TOOLS = List.of("ip", "nft", "sshd", "ssh", "ssh-keygen", "setpriv",
            "setsid", "ss", "timeout", "bash", "python3");

    private Prerequisites() {
    }

    /** The repository root (system property {@code letmein.repo}, set by the module's pom). */
    static Path repo() {
        String p = System.getProperty("letmein.repo");
        if (p == null) {
            throw new AssertionError("system property letmein.repo is not set: run the end-to-end tests through"
                    + " Maven (mvn -B verify) or pass -Dletmein.repo=<repository root>");
        }
        return Path.of(p).toAbsolutePath().normalize();
    }

    static void check(Path repo) {
        List<String> problems = new ArrayList<>();
        CommandResult id = Lab.exec(List.of("id", "-u"), Duration.ofSeconds(10), Map.of());
        if (!id.stdout().strip().equals("0")) {
            problems.add("not running as root (uid " + id.stdout().strip() + "): the lab creates network namespaces,"
                    + " nftables rulesets and an sshd; run as root, e.g. sudo ./run-tests.sh");
        }
        List<String> missing = new ArrayList<>();
        for (String tool : TOOLS) {
            if (!Lab.exec(List.of("sh", "-c", "command -v " + tool), Duration.ofSeconds(10), Map.of()).ok()) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("missing tools " + missing + ": apt-get install iproute2 nftables openssh-server"
                    + " openssh-client util-linux coreutils python3 (./run-tests.sh installs them)");
        }
        for (String jar : List.of("letmein-client/target/letmein-client.jar", "letmeind/target/letmeind.jar",
                "letmeinfwd/target/letmeinfwd.jar")) {
            if (!Files.isRegularFile(repo.resolve(jar))) {
                problems.add("not built: " + repo.resolve(jar) + " (mvn -B package -DskipTests)");
            }
        }
        for (String file : List.of("conf/nftables.conf", "letmein-e2e/lab.sh", "bin/letmein", "bin/letmeind",
                "bin/letmeinfwd")) {
            if (!Files.isRegularFile(repo.resolve(file))) {
                problems.add("missing " + repo.resolve(file));
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("the end-to-end lab cannot run:\n  - " + String.join("\n  - ", problems));
        }
    }
}
