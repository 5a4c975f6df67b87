package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.L4Proto;
import letmein.fwd.nft.NftCommands;
import letmein.fwd.nft.NftException;
import letmein.fwd.nft.NftProcess;
import letmein.fwd.nft.NftSession;
import letmein.proto.config.NftFamily;
import letmein.proto.daemon.DaemonLog;

/**
 * The long-lived {@code nft -j -i} session against real nftables in a network namespace: transactions
 * land, a refused one reports nft's reason without ending the session, sessions are recycled and ended
 * when idle, and a session that never answers is killed and replaced by one nft per transaction. nft
 * runs in the namespace through a two-line wrapper script given as the nft executable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NftSessionIT {
    private static final FirewallNames NAMES = new FirewallNames(NftFamily.INET, "filter", "LETMEIN-INPUT",
            Optional.empty(), Optional.empty());
    private Lab lab;
    private Path nftInLab;
    private Path hangingNft;
    private Path warningNft;
    private final NftCommands json = new NftCommands(NAMES);
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final DaemonLog log = DaemonLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8), true);

    @BeforeAll
    void lab() throws Exception {
        lab = Lab.create("session");
        lab.nftScript("add set inet filter letmein-v4 { type ipv4_addr . inet_proto . inet_service; flags timeout; }\n");
        Path dir = lab.newDir();
        nftInLab = script(dir.resolve("nft-in-lab"), "exec ip netns exec " + lab.ns + " nft \"$@\"");
        // interactive mode hangs without a word (a stand-in for a broken nft); everything else is real nft
        // interactive mode prints a warning line before every answer (as some nft versions do for some rulesets)
        warningNft = script(dir.resolve("nft-warning"), "if [ \"$2\" = -i ]; then ip netns exec " + lab.ns
                + " nft -j -i 2>&1 | while IFS= read -r l; do case $l in '{\"nftables\"'*) echo 'Warning: test warning';; esac;"
                + " printf '%s\\n' \"$l\"; done; exit 0; fi\nexec ip netns exec " + lab.ns + " nft \"$@\"");
        hangingNft = script(dir.resolve("nft-hanging"), "if [ \"$2\" = -i ]; then exec sleep 1234; fi\n"
                + "exec ip netns exec " + lab.ns + " nft \"$@\"");
    }

    @AfterAll
    void close() {
        if (lab != null) {
            lab.close();
        }
    }

    private static Path script(Path p, String body) throws Exception {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private NftSession session(Path exe, Duration timeout, Duration idle, int recycleAfter) {
        return new NftSession(new NftProcess(exe.toString(), timeout), exe.toString(), timeout, idle, recycleAfter, log);
    }

    private com.fasterxml.jackson.databind.node.ObjectNode add(String addr, int port) throws Exception {
        return NftCommands.document(List.of(json.addElement(InetAddress.getByName(addr), L4Proto.TCP, port, 60)));
    }

    @Test
    void transactionsLandThroughOneSessionAndARefusedOneLeavesItUsable() throws Exception {
        try (NftSession session = session(nftInLab, Duration.ofSeconds(10), Duration.ofSeconds(60), 1000)) {
            for (int i = 1; i <= 200; i++) {
                session.apply(add("10.1." + (i / 100) + "." + (i % 100), 22));
            }
            assertThat(lab.elements("letmein-v4").keySet()).filteredOn(k -> k.startsWith("10.1.")).hasSize(200);
            assertThat(session.sessionsStarted()).isEqualTo(1);
            long pid = session.sessionPid();
            // the whole transaction is refused (the second set does not exist): nothing of it applied
            com.fasterxml.jackson.databind.node.ObjectNode bad = NftCommands.document(List.of(
                    json.addElement(InetAddress.getByName("10.2.0.1"), L4Proto.TCP, 22, 60),
                    json.addElement(InetAddress.getByName("fd00::1"), L4Proto.TCP, 22, 60)));
            assertThatThrownBy(() -> session.apply(bad)).isInstanceOf(NftException.class)
                    .hasMessageStartingWith("nft rejected the transaction: ").hasMessageContaining("Error");
            assertThat(lab.elements("letmein-v4")).doesNotContainKey("10.2.0.1 . tcp . 22");
            session.apply(add("10.2.0.2", 22));
            assertThat(lab.elements("letmein-v4")).containsKey("10.2.0.2 . tcp . 22");
            assertThat(session.sessionPid()).as("same session after a refused transaction").isEqualTo(pid);
            assertThat(session.givenUp()).isFalse();
        }
    }

    @Test
    void warningsAreLoggedOnceAndDoNotFailTransactions() throws Exception {
        try (NftSession session = session(warningNft, Duration.ofSeconds(10), Duration.ofSeconds(60), 1000)) {
            for (int i = 1; i <= 20; i++) {
                session.apply(add("10.5.0." + i, 25));
            }
            assertThat(session.givenUp()).isFalse();
            assertThat(session.sessionsStarted()).isEqualTo(1);
            assertThat(lab.elements("letmein-v4").keySet()).filteredOn(k -> k.startsWith("10.5.0.")).hasSize(20);
            String text = logged.toString(StandardCharsets.UTF_8);
            assertThat(text.split("nft said: Warning: test warning", -1)).as("logged once per session").hasSize(2);
        }
    }

    @Test
    void sessionsAreRecycledAndEndedWhenIdle() throws Exception {
        try (NftSession session = session(nftInLab, Duration.ofSeconds(10), Duration.ofMillis(300), 10)) {
            for (int i = 0; i < 25; i++) {
                session.apply(add("10.3.0." + (i + 1), 80));
            }
            assertThat(session.sessionsStarted()).as("25 transactions, 10 per session").isEqualTo(3);
            long pid = session.sessionPid();
            assertThat(pid).isPositive();
            session.watchdog();
            assertThat(session.sessionPid()).as("not idle yet").isEqualTo(pid);
            Thread.sleep(400);
            session.watchdog();
            assertThat(session.sessionPid()).isEqualTo(-1);
            awaitGone(pid);
            session.apply(add("10.3.1.1", 80));
            assertThat(session.sessionsStarted()).isEqualTo(4);
            assertThat(lab.elements("letmein-v4")).containsKey("10.3.1.1 . tcp . 80");
        }
    }

    @Test
    void aSessionThatNeverAnswersIsKilledAndEveryTransactionSpawnsNftInstead() throws Exception {
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (NftSession session = session(hangingNft, Duration.ofMillis(1500), Duration.ofSeconds(60), 1000)) {
            // as letmeinfwd's timer does, only more often
            timer.scheduleAtFixedRate(session::watchdog, 100, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            session.apply(add("10.4.0.1", 443));
            assertThat(System.nanoTime() - t0).as("waited for the marker at most the timeout, then spawned")
                    .isBetween(1_500_000_000L, 6_000_000_000L);
            assertThat(session.givenUp()).isTrue();
            assertThat(lab.elements("letmein-v4")).containsKey("10.4.0.1 . tcp . 443");
            assertThat(logged.toString(StandardCharsets.UTF_8)).contains("WARN nft interactive session unusable",
                    "did not finish the first command within 1500 ms and was killed");
            assertThat(Cmd.run(List.of("pgrep", "-f", "sleep 1234")).exit()).as("the hanging nft was killed")
                    .isNotEqualTo(0);
            session.apply(add("10.4.0.2", 443));
            assertThat(session.sessionsStarted()).as("no second attempt once given up").isEqualTo(1);
            assertThat(lab.elements("letmein-v4")).containsKey("10.4.0.2 . tcp . 443");
        } finally {
            timer.shutdownNow();
        }
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("nft session pid " + pid + " still alive 3 s after it was ended")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
