package letmein.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One running network-namespace lab (three hosts, real nftables, sshd, letmeinfwd and letmeind),
 * built and removed by {@code letmein-e2e/lab.sh} so that the tests and {@code demo.sh} exercise the
 * same setup. The lab is always torn down: by {@link #close()} and, if the JVM is interrupted, by a
 * shutdown hook; a lab left by a killed JVM is removed by the next {@code lab.sh up}.
 */
public final class Lab implements AutoCloseable {
    /** The three hosts of the lab, each a network namespace named {@code <prefix>-<name>}. */
    public enum Host {
        SERVER, CLIENT, OTHER;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The processes lab.sh starts in the server and can stop, start and kill one by one. */
    public enum Daemon {
        FWD("fwd"), LETMEIND("letmeind"), SSHD("sshd");

        private final String label;

        Daemon(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    public static final String SERVER_V4 = "10.231.1.1";
    public static final String SERVER_V6 = "fd5e:1a8:1::1";
    public static final String CLIENT_V4 = "10.231.1.2";
    public static final String CLIENT_V6 = "fd5e:1a8:1::2";
    public static final String OTHER_V4 = "10.231.1.3";
    public static final String OTHER_V6 = "fd5e:1a8:1::3";
    /** Names in every namespace's hosts file: A+AAAA, A only, AAAA only. */
    public static final String NAME_DUAL = "server.lab";
    public static final String NAME_V4 = "server4.lab";
    public static final String NAME_V6 = "server6.lab";
    public static final int CONTROL_PORT = 5800;
    /** sshd port protected by resource 00000022 (user 1 only, 600 s leases). */
    public static final int SSH_PORT = 22;
    /** Second sshd port, protected by resource 00002200 (users 1 and 2, 3 s leases). */
    public static final int SHORT_LEASE_PORT = 2200;
    public static final int SHORT_LEASE_SECONDS = 3;
    public static final String SSH_USER = "lmetest";
    /** Printed by the remote command of {@link #ssh}; proves a login really ran a command. */
    public static final String SSH_MARK = "letmein-lab-login-ok";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String prefix;
    private final Path repo;
    private final Path labSh;
    private final Path dir;
    private final Path logArchive;
    private final List<Process> background = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private Lab(String prefix, Path repo, Path dir, Path logArchive) {
        this.prefix = prefix;
        this.repo = repo;
        this.labSh = repo.resolve("letmein-e2e/lab.sh");
        this.dir = dir;
        this.logArchive = logArchive;
        this.shutdownHook = new Thread(this::teardown, "lab-teardown-" + prefix);
    }

    /**
     * Builds a fresh lab with a per-run prefix ({@code lme-} plus 4 random hex digits).
     *
     * @param testName used only to name the directory the logs are copied to at teardown
     */
    public static Lab up(String testName) {
        return up(testName, Map.of());
    }

    /** lab.sh refused the prefix because a lab (e.g. a concurrent demo) uses it. */
    private static final class PrefixTaken extends Exception {
        private static final long serialVersionUID = 1L;

        PrefixTaken(String message) {
            super(message);
        }
    }

    /**
     * As {@link #up(String)}, with lab.sh's environment: e.g. {@code LAB_OWN_TABLE=letmein} and
     * {@code LAB_NFTABLES_CONF=FILE} for letmeinfwd's own table beside a host ruleset of the test's.
     */
    public static Lab up(String testName, Map<String, String> env) {
        Path repo = Prerequisites.repo();
        Prerequisites.check(repo);
        for (int attempt = 1; ; attempt++) {
            try {
                return up(repo, testName, env);
            } catch (PrefixTaken e) {
                if (attempt == 3) {
                    throw new AssertionError("three random lab prefixes in a row were taken", e);
                }
            }
        }
    }

    private static Lab up(Path repo, String testName, Map<String, String> env) throws PrefixTaken {
        byte[] suffix = new byte[2];
        new SecureRandom().nextBytes(suffix);
        String prefix = "lme-" + HexFormat.of().formatHex(suffix);
        Path logs = Path.of(System.getProperty("letmein.e2e.logs", repo.resolve("letmein-e2e/target/lab-logs").toString()))
                .resolve(testName.replaceAll("[^A-Za-z0-9_.-]+", "_") + "-" + prefix);
        Path labSh = repo.resolve("letmein-e2e/lab.sh");
        Lab lab = new Lab(prefix, repo, Path.of("/run/letmein-lab", prefix), logs);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        CommandResult up = exec(List.of(labSh.toString(), "up", prefix, "--owner",
                Long.toString(ProcessHandle.current().pid())), Duration.ofSeconds(240), env);
        if (!up.ok()) {
            boolean taken = up.stderr().contains("already exists");
            if (taken) {
                Runtime.getRuntime().removeShutdownHook(lab.shutdownHook);
                throw new PrefixTaken(up.stderr().strip()); // not ours: must not be torn down
            }
            lab.close();
            throw new AssertionError("the lab did not come up (lab.sh up " + prefix + ")\n" + up.describe());
        }
        String printed = up.stdout().strip();
        if (!printed.equals(lab.dir.toString())) {
            lab.close();
            throw new AssertionError("lab.sh up printed an unexpected directory: " + printed);
        }
        return lab;
    }

    public String prefix() {
        return prefix;
    }

    public Path dir() {
        return dir;
    }

    public Path repo() {
        return repo;
    }

    /** The client's letmein.conf (user 00000001 with the right key, resources 22 and 2200). */
    public Path clientConfig() {
        return dir.resolve("client/letmein.conf");
    }

    /** The server's letmeind.conf, read by both daemons. */
    public Path serverConfig() {
        return dir.resolve("letmeind.conf");
    }

    /** The keys lab.sh generated with {@code letmein gen-key}: KEY1 and KEY2 (hex). */
    public Map<String, String> keys() {
        Map<String, String> keys = new HashMap<>();
        for (String line : read(dir.resolve("keys.env")).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                keys.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return keys;
    }

    /** Writes a file into the lab directory (mode 0600), e.g. another client configuration. */
    public Path writeFile(String name, String content) {
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    // ---------------------------------------------------------------------------------------------
    // Running things in the namespaces

    /** Runs {@code command} in {@code host}'s namespace, waiting at most {@code timeout}. */
    public CommandResult run(Host host, Duration timeout, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        full.addAll(command);
        return exec(full, timeout, Map.of());
    }

    public CommandResult run(Host host, String... command) {
        return run(host, DEFAULT_TIMEOUT, List.of(command));
    }

    /** {@code bin/letmein -c CONFIG ARGS...} in {@code host}. */
    public CommandResult letmein(Host host, Path config, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/letmein").toString(), "-c", config.toString()));
        cmd.addAll(List.of(args));
        return run(host, DEFAULT_TIMEOUT, cmd);
    }

    /** {@code bin/letmein} with the client's own configuration. */
    public CommandResult letmein(Host host, String... args) {
        return letmein(host, clientConfig(), args);
    }

    /**
     * Logs into the lab's sshd as the test user and runs a command that prints {@link #SSH_MARK} and
     * {@code $SSH_CONNECTION} (so the caller sees which addresses were used).
     *
     * @param viaLetmein use {@code ProxyCommand=bin/letmein -c <client conf> connect %h %p}
     */
    public CommandResult ssh(Host host, String target, int port, boolean viaLetmein) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "/dev/null",
                "-o", "BatchMode=yes", "-o", "ConnectTimeout=3", "-o", "ConnectionAttempts=1",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-i", dir.resolve("client/id_ed25519").toString(), "-p", Integer.toString(port)));
        if (viaLetmein) {
            cmd.add("-o");
            cmd.add("ProxyCommand=" + repo.resolve("bin/letmein") + " -c " + clientConfig() + " connect %h %p");
        }
        cmd.add(SSH_USER + "@" + target);
        cmd.add("echo " + SSH_MARK + " $SSH_CONNECTION");
        return run(host, DEFAULT_TIMEOUT, cmd);
    }

    /**
     * Whether {@code host} can open a TCP connection to {@code address}:{@code port}. A shut port
     * answers at once (the shipped ruleset ends INPUT with reject rules); the 3 s limit only guards
     * against a loaded machine.
     */
    public boolean tcpOpen(Host host, String address, int port) {
        // bash's /dev/tcp/HOST/PORT takes names, IPv4 and IPv6 literals alike
        return run(host, Duration.ofSeconds(10), List.of("timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/" + port)).ok();
    }

    /** Polls until {@code condition} holds; false if it did not within {@code limit}. */
    public static boolean eventually(Duration limit, BooleanSupplier condition) {
        Instant end = Instant.now().plus(limit);
        do {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(Duration.ofMillis(200));
        } while (Instant.now().isBefore(end));
        return condition.getAsBoolean();
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code nft ARGS...} in the server. */
    public CommandResult nft(String... args) {
        List<String> cmd = new ArrayList<>(List.of("nft"));
        cmd.addAll(List.of(args));
        return run(Host.SERVER, Duration.ofSeconds(20), cmd);
    }

    /**
     * Runs one of the test tools ({@code letmein.e2e.tools.*}) in a JVM inside {@code host}, on the
     * test classpath (tool classes + letmein-proto).
     */
    public CommandResult tool(Host host, Duration timeout, Class<?> main, String... args) {
        return run(host, timeout, toolCommand(main, args));
    }

    /** As {@link #tool(Host, Duration, Class, String...)}, with extra environment variables (e.g. a key). */
    public CommandResult tool(Host host, Duration timeout, Map<String, String> env, Class<?> main, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        full.addAll(toolCommand(main, args));
        return exec(full, timeout, env);
    }

    /** Starts a tool in the background; it is killed at teardown at the latest. */
    public Process startTool(Host host, Path output, Class<?> main, String... args) {
        return startInBackground(host, output, toolCommand(main, args));
    }

    /** Starts {@code command} in {@code host} in the background, output to a file; killed at teardown at the latest. */
    public Process startInBackground(Host host, Path output, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        cmd.addAll(command);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            synchronized (background) {
                background.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private static List<String> toolCommand(Class<?> main, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = codeSource(main) + ":" + codeSource(letmein.proto.wire.Message.class);
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + c, e);
        }
    }

    /**
     * Gives {@code host} more addresses on its lab interface (IPv4 in the lab's /24, IPv6 in its /64,
     * no duplicate address detection): the many sources of one attacker host.
     */
    public void addAddresses(Host host, List<String> addresses) {
        StringBuilder script = new StringBuilder("set -e\n");
        for (String a : addresses) {
            script.append("ip addr add ").append(a).append(a.contains(":") ? "/64 nodad" : "/24").append(" dev eth0\n");
        }
        CommandResult r = run(host, Duration.ofSeconds(60), List.of("sh", "-c", script.toString()));
        if (!r.ok()) {
            throw new AssertionError("cannot add addresses to " + host + "\n" + r.describe());
        }
    }

    /** {@code count} consecutive addresses from {@code first} (IPv4 or IPv6 literal), as text. */
    public static List<String> addressRange(String first, int count) {
        byte[] base;
        try {
            base = java.net.InetAddress.getByName(first).getAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + first, e);
        }
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] b = base.clone();
            int carry = i;
            for (int k = b.length - 1; k >= 0 && carry != 0; k--) {
                int v = (b[k] & 0xff) + (carry & 0xff);
                b[k] = (byte) v;
                carry = (carry >>> 8) + (v >>> 8);
            }
            try {
                out.add(java.net.InetAddress.getByAddress(b).getHostAddress());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * The forged-source UDP sender ({@code letmein-e2e/src/test/python/spoof.py}, raw sockets) run in
     * {@code host} until it has sent what {@code args} say.
     */
    public CommandResult spoof(Host host, Duration timeout, String... args) {
        return run(host, timeout, spoofCommand(args));
    }

    /** The forged-source sender in the background (killed at teardown at the latest). */
    public Process startSpoof(Host host, Path output, String... args) {
        return startInBackground(host, output, spoofCommand(args));
    }

    private List<String> spoofCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", repo.resolve("letmein-e2e/src/test/python/spoof.py").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    // ---------------------------------------------------------------------------------------------
    // Daemons and logs

    /** Starts a daemon again (waits until it is ready; lab.sh prints its log if it dies). */
    public void start(Daemon d) {
        labCommand("start", d);
    }

    /** Stops a daemon with SIGTERM (SIGKILL after 10 s). */
    public void stop(Daemon d) {
        labCommand("stop", d);
    }

    /** Kills a daemon with SIGKILL: no cleanup of its own can run. */
    public void kill9(Daemon d) {
        labCommand("kill9", d);
    }

    /** Stop, then start: what an admin does with one unit. */
    public void restart(Daemon d) {
        stop(d);
        start(d);
    }

    private void labCommand(String what, Daemon d) {
        CommandResult r = exec(List.of(labSh.toString(), what, d.label(), prefix), Duration.ofSeconds(150), Map.of());
        if (!r.ok()) {
            throw new AssertionError("lab.sh " + what + " " + d.label() + " failed\n" + r.describe());
        }
    }

    /**
     * Rewrites the server's letmeind.conf (same file: owner and mode stay) and restarts both daemons,
     * which must read the same file (letmeind sends its checksum with every request).
     */
    public void reconfigure(java.util.function.UnaryOperator<String> edit) {
        Path conf = serverConfig();
        try {
            Files.writeString(conf, edit.apply(read(conf)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + conf, e);
        }
        stop(Daemon.LETMEIND);
        stop(Daemon.FWD);
        start(Daemon.FWD);
        start(Daemon.LETMEIND);
    }

    /**
     * Rewrites the server's letmeind.conf in place, as an editor that writes the same file does (owner and
     * mode stay), and restarts nothing: follow with {@link #signal} SIGHUP to reload the daemons.
     */
    public void editConfig(java.util.function.UnaryOperator<String> edit) {
        Path conf = serverConfig();
        try {
            Files.writeString(conf, edit.apply(read(conf)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + conf, e);
        }
    }

    /** Sends {@code signal} (e.g. "HUP") to a running daemon, by the PID lab.sh recorded. */
    public void signal(Daemon d, String signal) {
        CommandResult r = exec(List.of("kill", "-" + signal, Long.toString(pid(d))), Duration.ofSeconds(10), Map.of());
        if (!r.ok()) {
            throw new AssertionError("kill -" + signal + " " + d.label() + " failed\n" + r.describe());
        }
    }

    /** True while the daemon lab.sh started (by its recorded PID) is still running, not a zombie. */
    public boolean alive(Daemon d) {
        Path stat = Path.of("/proc/" + pid(d) + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = read(stat);
        return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    }

    /** CPU time used so far (user + system, ms) and memory (resident now, peak; KiB) of a running daemon. */
    public record ProcSample(long cpuMillis, long rssKiB, long peakRssKiB) {
    }

    /** Reads a daemon's {@link ProcSample} from /proc (its PID as lab.sh recorded it). */
    public ProcSample sample(Daemon d) {
        long pid = pid(d);
        String stat = read(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, utime field 14, stime field 15
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        long rss = 0;
        long hwm = 0;
        for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("VmHWM:")) {
                hwm = Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return new ProcSample(ticks * 1000 / clockTicksPerSecond(), rss, hwm);
    }

    private static long clockTicks;

    private static synchronized long clockTicksPerSecond() {
        if (clockTicks == 0) {
            CommandResult r = exec(List.of("getconf", "CLK_TCK"), Duration.ofSeconds(10), Map.of());
            clockTicks = r.ok() ? Long.parseLong(r.stdout().strip()) : 100;
        }
        return clockTicks;
    }

    /** The PID of a running daemon, as lab.sh recorded it. */
    public long pid(Daemon d) {
        String line = read(dir.resolve("pids/" + d.label() + ".pid")).strip();
        return Long.parseLong(line.split("\\s+")[0]);
    }

    /** Everything a daemon printed so far (all its runs in this lab). */
    public String log(Daemon d) {
        Path f = dir.resolve("logs/" + d.label() + ".log");
        return Files.exists(f) ? read(f) : "";
    }

    /** The current nftables ruleset of the server (for assertion messages). */
    public String ruleset() {
        return nft("list", "ruleset").output();
    }

    // ---------------------------------------------------------------------------------------------
    // Teardown

    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to run teardown(), which is idempotent
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (background) {
            for (Process p : background) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        archiveLogs();
        CommandResult down = exec(List.of(labSh.toString(), "down", prefix), Duration.ofSeconds(90), Map.of());
        if (!down.ok()) {
            System.err.println("lab.sh down " + prefix + " failed:\n" + down.describe());
        }
    }

    private void archiveLogs() {
        Path logs = dir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.list(logs)) {
            Files.createDirectories(logArchive);
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, logArchive.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            for (String conf : List.of("letmeind.conf", "client/letmein.conf")) {
                // configurations only: key lines are masked
                Path c = dir.resolve(conf);
                if (Files.exists(c)) {
                    Files.writeString(logArchive.resolve(c.getFileName()),
                            read(c).replaceAll("(?m)^(\\s*[0-9A-Fa-f]{1,8}\\s*=\\s*)[0-9A-Fa-f]{64}\\s*$", "$1<key>"));
                }
            }
        } catch (IOException e) {
            System.err.println("could not copy the lab logs to " + logArchive + ": " + e);
        }
    }

    private String ns(Host host) {
        return prefix + "-" + host.label();
    }

    // ---------------------------------------------------------------------------------------------

    /** Runs a command in the root namespace with a time limit; output goes through temporary files. */
    static CommandResult exec(List<String> command, Duration timeout, Map<String, String> env) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("lab-out", ".txt");
            err = Files.createTempFile("lab-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            pb.environment().putAll(env);
            Process p = pb.start();
            int exit;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                exit = CommandResult.TIMED_OUT;
            }
            return new CommandResult(command, exit, read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    private static void deleteQuietly(Path f) {
        if (f != null) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
