package letmein.fwd.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import letmein.fwd.check.RequestCheck;
import letmein.fwd.nft.FirewallNames;
import letmein.proto.config.ConfigChecksum;
import letmein.proto.config.Configs;
import letmein.proto.config.NftFamily;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.reload.ReloadOutcome;
import letmein.proto.reload.StableRead;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * letmeinfwd's checksum rule with real files, the real parser and the real request check; only the clock
 * is a counter, so that the grace can be crossed without waiting a minute.
 */
class FwdConfigsTest {
    static final String K1 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String K2 = "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String K3 = "2123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String V1 = "[GENERAL]\nport = 5800\n\n[KEYS]\n1 = " + K1 + "\n2 = " + K2 + "\n\n[RESOURCES]\n"
            + "10 = port: 22\n11 = port: 23\n\n[NFTABLES]\nfamily = inet\ntable = filter\nchain-input = IN\n"
            + "max-nr-rules = 21\n";
    /** user 2 removed, user 3 added, resource 11 removed, resource 12 added. */
    static final String V2 = V1.replace("2 = " + K2, "3 = " + K3).replace("11 = port: 23", "12 = port: 24");
    static final long S = 1_000_000_000L;

    @TempDir
    Path dir;
    Path file;
    final AtomicLong clock = new AtomicLong(1000 * S);
    final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    FwdConfigs configs;

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("letmeind.conf");
        Files.writeString(file, V1);
        DaemonLog log = DaemonLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8), true);
        configs = new FwdConfigs(Configs.loadServer(file), new FirewallNames(NftFamily.INET, "filter", "IN",
                Optional.empty(), Optional.empty()), 1, log, clock::get, Duration.ofSeconds(60),
                new StableRead(Duration.ofMillis(5), 3));
    }

    static FwdMessage install(int user, int resource, ConfigChecksum cs) throws Exception {
        return new FwdMessage.Install(new UserId(user), new ResourceId(resource), InetAddress.getByName("192.0.2.7"), cs);
    }

    static ConfigChecksum of(String text) {
        return ConfigChecksum.of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String refusal(FwdConfigs.Checked c) {
        assertThat(c.verdict()).isInstanceOf(RequestCheck.Refuse.class);
        return ((RequestCheck.Refuse) c.verdict()).reason();
    }

    @Test
    void letmeinfwdReloadedFirst_previousChecksumServedUnderTheNewConfigForTheGrace() throws Exception {
        Files.writeString(file, V2);
        assertThat(configs.reload("SIGHUP")).isInstanceOf(ReloadOutcome.Applied.class);
        assertThat(lines()).anyMatch(l -> l.startsWith("INFO reload: applied (SIGHUP)") && l.contains("users +[00000003] -[00000002]")
                && l.contains("per user=10"));
        // letmeind still on V1: user 1 and resource 10 exist in both
        assertThat(configs.check(install(1, 0x10, of(V1))).verdict()).isInstanceOf(RequestCheck.Accept.class);
        // ...but it is checked against V2: resource 11 is gone, user 2 has no key any more
        assertThat(refusal(configs.check(install(1, 0x11, of(V1))))).contains("resource 00000011 is not configured");
        assertThat(refusal(configs.check(install(2, 0x10, of(V1))))).contains("user 00000002 has no key in the reloaded");
        // the grace ends: letmeind that never reloaded is refused, and told what to do
        clock.addAndGet(61 * S);
        assertThat(refusal(configs.check(install(1, 0x10, of(V1))))).contains("checksum mismatch")
                .contains("reload letmeind");
        assertThat(configs.check(install(1, 0x10, of(V2))).verdict()).isInstanceOf(RequestCheck.Accept.class);
    }

    @Test
    void letmeindReloadedFirst_itsChecksumMakesLetmeinfwdReadTheFile() throws Exception {
        Files.writeString(file, V2);
        FwdConfigs.Checked c = configs.check(install(3, 0x12, of(V2)));
        assertThat(c.verdict()).isInstanceOf(RequestCheck.Accept.class);
        assertThat(c.by().config().checksum()).isEqualTo(of(V2));
        assertThat(lines()).anyMatch(l -> l.startsWith("INFO reload: applied (letmeind sent checksum "));
        // the admin's SIGHUP arrives afterwards: nothing more to do, and V1 stays the accepted previous one
        assertThat(configs.reload("SIGHUP")).isInstanceOf(ReloadOutcome.Unchanged.class);
        assertThat(configs.check(install(1, 0x10, of(V1))).verdict()).isInstanceOf(RequestCheck.Accept.class);
    }

    @Test
    void aChecksumTheFileDoesNotHoldAppliesNothingAndIsRefused() throws Exception {
        Files.writeString(file, V2); // edited but letmeind sends something else (a third file, or a forged value)
        assertThat(refusal(configs.check(install(1, 0x10, of("forged"))))).contains("checksum mismatch")
                .contains("does not hold it");
        assertThat(configs.current().config().checksum()).isEqualTo(of(V1));
        assertThat(lines()).anyMatch(l -> l.startsWith("WARN reload: refused (letmeind sent checksum"));
    }

    @Test
    void unknownChecksumsReadTheFileAtMostOncePerSecond() throws Exception {
        configs.check(install(1, 0x10, of("forged-1")));
        long reads = count("reload: ");
        configs.check(install(1, 0x10, of("forged-2")));
        assertThat(count("reload: ")).isEqualTo(reads);
        clock.addAndGet(S);
        configs.check(install(1, 0x10, of("forged-3")));
        assertThat(count("reload: ")).isEqualTo(reads + 1);
    }

    @Test
    void anInvalidFileKeepsTheLastGoodConfig() throws Exception {
        Files.writeString(file, V1.replace("10 = port: 22", "10 = port: 0x"));
        assertThat(configs.reload("SIGHUP")).isInstanceOf(ReloadOutcome.Refused.class);
        assertThat(lines()).anyMatch(l -> l.startsWith("WARN reload: refused (SIGHUP)") && l.contains(file + ":"));
        assertThat(configs.check(install(1, 0x10, of(V1))).verdict()).isInstanceOf(RequestCheck.Accept.class);
    }

    @Test
    void newLimitsComeWithTheNewConfig() throws Exception {
        Files.writeString(file, V1.replace("max-nr-rules = 21", "max-nr-rules = 21\nmax-nr-rules-per-user = 4\ntimeout = 30"));
        configs.reload("SIGHUP");
        assertThat(configs.current().limits().perUserLimit()).isEqualTo(4);
        assertThat(configs.current().limits().defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    private long count(String needle) {
        return lines().stream().filter(l -> l.contains(needle)).count();
    }

    /** What the daemon's log printed so far, line by line. */
    List<String> lines() {
        return logged.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
