package letmein.fwd.nft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import letmein.proto.daemon.DaemonLog;

/**
 * Applies lease transactions through one long-lived {@code nft -j -i} process instead of starting
 * {@code nft -j -f -} for each: measured on the 2-core lab VM, a started nft costs ~2.7 ms of CPU and
 * ~3 ms of latency, a transaction through an open session ~0.2 ms. Under load that was most of
 * letmeinfwd's CPU.
 *
 * <p>The session protocol: a transaction is one line of JSON (jackson escapes every control character,
 * so the compact text has no line break); it is followed by the marker command {@code list flowtables},
 * whose one-line JSON answer ends the transaction on the session's output (stdout and stderr merged, so
 * their order is kept). A line before the marker that contains {@code Error} is nft's reason for
 * refusing the transaction, which the kernel then applied not at all; any other line is logged.
 *
 * <p>Bounds: a transaction that has not ended when its deadline has passed is killed by {@link #watchdog()}
 * (letmeinfwd's 1 s timer runs it; the next transaction starts a new session). The transaction's own
 * thread reads nft's answer, so there is no reader thread and no hand-over per transaction. A session
 * is ended after {@link #recycleAfter} transactions, because nft keeps a line history that makes every
 * command slower (0.2 → 1.1 ms per transaction after 20,000) and nft larger, and after {@link #idle}
 * without use, so an idle letmeinfwd has no nft child at all. Ending a session closes nft's input; an nft
 * that has not exited a second later is killed. If a freshly
 * started session does not answer the marker, interactive mode is given up for good (logged) and every
 * transaction starts its own nft through {@link NftProcess}. Listing a table always starts its own nft.
 */
public final class NftSession implements NftBackend, AutoCloseable {
    /** First characters of the marker's answer, {@code {"nftables": [{"metainfo": …}, …]}}. */
    static final String MARKER_ANSWER = "{\"nftables\"";
    /**
     * A command that always succeeds and answers in one line without loading nft's rule and set-element
     * cache: measured with nft 1.0.6, {@code list tables} (and {@code list counters}) read every rule and
     * every set element of the ruleset (~4 ms per transaction with 10,000 leases), {@code list
     * flowtables} reads tables and flowtables only.
     */
    private static final String MARKER_COMMAND = "list flowtables";

    private final NftProcess oneShot;
    private final String exe;
    private final Duration timeout;
    private final Duration idle;
    private final int recycleAfter;
    private final DaemonLog log;
    private final ReentrantLock lock = new ReentrantLock();
    private Running session;
    private boolean givenUp;
    private long sessionsStarted;
    private int transactionsInSession;
    private long lastUse;
    private Process retired;
    private long retiredAt;
    /** Warnings of the current session already logged (bounded: at most 100 distinct texts). */
    private final java.util.Set<String> warned = new java.util.HashSet<>();
    /** The session a transaction is waiting on and its deadline, for {@link #watchdog()} (no lock). */
    private volatile Process waitingOn;
    private volatile long deadline;
    private volatile boolean killedByWatchdog;
    /** Bytes of the line being read (only the transaction's thread, under the lock, uses it). */
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);

    /** The running {@code nft -j -i}: its input, and its output (stdout and stderr merged). */
    private record Running(Process process, OutputStream in, InputStream out) {
    }

    public NftSession(NftProcess oneShot, String exe, Duration timeout, Duration idle, int recycleAfter, DaemonLog log) {
        if (recycleAfter < 1) {
            throw new IllegalArgumentException("recycleAfter must be at least 1");
        }
        this.oneShot = oneShot;
        this.exe = exe;
        this.timeout = timeout;
        this.idle = idle;
        this.recycleAfter = recycleAfter;
        this.log = log;
    }

    @Override
    public void apply(ObjectNode document) throws NftException {
        String text = JsonText.text(document);
        lock.lock();
        try {
            if (givenUp || text.indexOf('\n') >= 0 || !started()) {
                oneShot.apply(document);
                return;
            }
            List<String> said = converse(text + "\n" + MARKER_COMMAND + "\n", "the transaction");
            lastUse = System.nanoTime();
            if (++transactionsInSession >= recycleAfter) {
                end("recycled after " + recycleAfter + " transactions", false);
            }
            String error = errorsIn(said);
            if (!error.isEmpty()) {
                throw new NftException("nft rejected the transaction: " + error);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * nft's error lines in {@code said}, joined; every other non-blank line is logged as a warning, each
     * distinct text once per session (a warning nft repeats on every command must not flood the log).
     */
    private String errorsIn(List<String> said) {
        StringBuilder error = new StringBuilder();
        for (String line : said) {
            String t = line.trim();
            if (t.contains("Error")) {
                error.append(error.length() == 0 ? "" : " ").append(t);
            } else if (!t.isEmpty() && warned.size() < 100 && warned.add(t)) {
                log.warn("nft said: " + t);
            }
        }
        return error.toString();
    }

    @Override
    public JsonNode listTable(FirewallNames names) throws NftException {
        return oneShot.listTable(names);
    }

    @Override
    public JsonNode listTableTerse(FirewallNames names) throws NftException {
        return oneShot.listTableTerse(names);
    }

    /** Sessions started so far (for tests and measurements). */
    public long sessionsStarted() {
        lock.lock();
        try {
            return sessionsStarted;
        } finally {
            lock.unlock();
        }
    }

    /** True once interactive mode was given up and every transaction spawns nft. */
    public boolean givenUp() {
        lock.lock();
        try {
            return givenUp;
        } finally {
            lock.unlock();
        }
    }

    /** The running session's process id, or -1 (for tests). */
    public long sessionPid() {
        lock.lock();
        try {
            return session == null ? -1 : session.process.pid();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kills a session whose transaction has passed its deadline (its waiting thread then sees the end of
     * nft's output), kills a retired nft that did not exit, and ends a session unused for the idle time.
     * Called by letmeinfwd's 1 s timer; never blocks.
     */
    public void watchdog() {
        Process p = waitingOn;
        if (p != null && System.nanoTime() - deadline > 0) {
            killedByWatchdog = true;
            p.destroyForcibly();
        }
        if (!lock.tryLock()) {
            return; // a transaction is running: not idle
        }
        try {
            killLingering();
            if (session != null && System.nanoTime() - lastUse >= idle.toNanos()) {
                end("idle for " + idle.toSeconds() + " s", false);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (session != null) {
                end("letmeinfwd is stopping", false);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Starts a session if none runs; false if interactive mode has just been given up. */
    private boolean started() {
        if (session != null && session.process.isAlive()) {
            return true;
        }
        session = null;
        killLingering();
        ProcessBuilder pb = new ProcessBuilder(exe, "-j", "-i").redirectErrorStream(true);
        // nft's line editor would write every command (client addresses) to $HOME/.nft.history
        pb.environment().put("HOME", "/nonexistent");
        pb.environment().put("TERM", "dumb");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return giveUp("cannot start '" + exe + " -j -i': " + e.getMessage());
        }
        session = new Running(p, p.getOutputStream(), p.getInputStream());
        sessionsStarted++;
        transactionsInSession = 0;
        warned.clear();
        lastUse = System.nanoTime();
        try {
            List<String> said = converse(MARKER_COMMAND + "\n", "the first command");
            String error = errorsIn(said);
            if (!error.isEmpty()) {
                end("unexpected output", true);
                return giveUp("'" + exe + " -j -i' answered '" + MARKER_COMMAND + "' with " + error);
            }
        } catch (NftException e) {
            return giveUp(e.getMessage());
        }
        if (log.debugEnabled()) { // lambdas only when needed: each is a resident class (40 MiB budget)
            log.debug(() -> "nft session started pid=" + p.pid());
        }
        return true;
    }

    private boolean giveUp(String why) {
        givenUp = true;
        log.warn("nft interactive session unusable, every transaction starts nft instead (~3 ms each): " + why);
        return false;
    }

    /**
     * Writes {@code input} and returns the lines the session printed before the marker's answer; kills
     * the session on a timeout or when nft exits.
     */
    private List<String> converse(String input, String what) throws NftException {
        Running s = session;
        try {
            s.in.write(input.getBytes(StandardCharsets.UTF_8));
            s.in.flush();
        } catch (IOException e) {
            end("write failed", true);
            throw new NftException("nft session (pid " + s.process.pid() + ") stopped taking input: " + e.getMessage(), e);
        }
        List<String> said = new ArrayList<>();
        killedByWatchdog = false;
        deadline = System.nanoTime() + timeout.toNanos();
        waitingOn = s.process;
        try {
            while (true) {
                String line = readLine(s.out);
                if (line == null) {
                    boolean killed = killedByWatchdog;
                    end(killed ? "timed out" : "exited", true);
                    throw new NftException("nft session (pid " + s.process.pid() + ") "
                            + (killed ? "did not finish " + what + " within " + timeout.toMillis() + " ms and was killed"
                            : "exited during " + what) + (said.isEmpty() ? "" : "; it said: " + String.join(" ", said).trim()));
                }
                if (line.startsWith(MARKER_ANSWER)) {
                    return said;
                }
                said.add(line);
            }
        } finally {
            waitingOn = null;
        }
    }

    /** One line of nft's output without its line break, or null at the end of the output. */
    private String readLine(InputStream out) {
        line.reset();
        try {
            int b;
            while ((b = out.read()) >= 0) {
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        } catch (IOException e) {
            // the process is gone (killed or exited): same as the end of its output
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /**
     * Ends the current session. Closing its input ends nft; it is not waited for (the transaction's
     * answer must not wait for nft's exit); one that has not exited a second later is killed. A session
     * that failed is killed at once.
     */
    private void end(String why, boolean failed) {
        Running s = session;
        session = null;
        if (s == null) {
            return;
        }
        if (log.debugEnabled()) {
            log.debug(() -> "nft session pid=" + s.process.pid() + " ended: " + why);
        }
        try {
            s.in.close();
        } catch (IOException e) {
            s.process.destroyForcibly();
            return;
        }
        if (failed) {
            s.process.destroyForcibly();
        } else {
            retired = s.process;
            retiredAt = System.nanoTime();
        }
    }

    /** Kills the previous session's nft if it has not exited a second after its input was closed. */
    private void killLingering() {
        if (retired != null && System.nanoTime() - retiredAt >= 1_000_000_000L) {
            if (retired.isAlive()) {
                log.warn("nft session pid=" + retired.pid() + " did not exit after its input was closed; killed");
                retired.destroyForcibly();
            }
            retired = null;
        }
    }

}
