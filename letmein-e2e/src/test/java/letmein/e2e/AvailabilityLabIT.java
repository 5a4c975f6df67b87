package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import letmein.e2e.Lab.Daemon;
import letmein.e2e.Lab.Host;
import letmein.e2e.Lab.ProcSample;
import letmein.e2e.tools.IdleConnections;
import letmein.e2e.tools.KnockFrom;
import letmein.e2e.tools.RecordingRelay;

/**
 * Scenario 10: nobody without a key can knock the knocker offline, and one key holder cannot lock
 * out another (SECURITY.md, "Availability under attack"). Each attack runs from the {@code other}
 * host — forged sources through raw sockets ({@code src/test/python/spoof.py}), idle connections,
 * knocks from many addresses — while the client knocks with the real {@code letmein}. The figures of
 * every run (knocks, CPU and memory of letmeind, log lines) are printed and appended to
 * {@code target/availability-figures.txt}.
 */
class AvailabilityLabIT extends LabTestBase {
    private static final int RELAY_PORT = 5801;
    /** Forged IPv4 sources on the lab's /24, owned by no host (10.231.1.100-199). */
    private static final String FORGED_LINK_V4 = "10.231.1.100";
    /** Forged IPv6 sources on the lab's /64, owned by no host. */
    private static final String FORGED_LINK_V6 = "fd5e:1a8:1::1:0";
    /** Forged IPv4 sources beyond a router: the server routes 10.231.99.0/24 via other. */
    private static final String FORGED_REMOTE_V4 = "10.231.99.";
    /** Forged IPv6 sources beyond a router: the server routes fd5e:1a8:99::/64 via other. */
    private static final String FORGED_REMOTE_V6 = "fd5e:1a8:99::";

    @Test
    void aCapturedKnockReplayedFromHundredForgedSourcesStarvesNoLegitKnock() throws Exception {
        Path capture = captureUdpKnock();
        countFromForgedSources();
        // forged sources beyond a router, as on the internet: the server's replies go to the router
        // (other), which drops them
        ok(lab.run(Host.SERVER, "ip", "route", "add", FORGED_REMOTE_V4 + "0/24", "via", Lab.OTHER_V4));
        ok(lab.run(Host.SERVER, "ip", "-6", "route", "add", FORGED_REMOTE_V6 + "/64", "via", Lab.OTHER_V6));
        List<Process> flood = List.of(
                lab.startSpoof(Host.OTHER, lab.dir().resolve("logs/spoof-replay4.log"), "replay", capture.toString(),
                        "--server", Lab.SERVER_V4, "--source-base", FORGED_REMOTE_V4 + "10", "--sources", "50",
                        "--pps", "1500", "--seconds", "240"),
                lab.startSpoof(Host.OTHER, lab.dir().resolve("logs/spoof-replay6.log"), "replay", capture.toString(),
                        "--server", Lab.SERVER_V6, "--source-base", FORGED_REMOTE_V6 + "1", "--sources", "50",
                        "--pps", "1500", "--seconds", "240"));
        Figures f = legitKnocksDuring(flood, 20, "the replayed KNOCK from 50 IPv4 + 50 IPv6 forged sources beyond a"
                + " router at 3000 pkt/s");
        assertThat(f.failures()).as("legit knocks that failed during the flood").isEmpty();
        assertThat(f.forgedPerSecond()).as("forged pkt/s that arrived while the client knocked").isGreaterThan(2400);
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);
        assertNoForgedLease();
    }

    @Test
    void aFloodFromForgedSourcesOnTheServersOwnLinkCannotExhaustLetmeind() throws Exception {
        // forged sources on the server's own link: every reply waits for an address resolution that never
        // succeeds, and the kernel charges it to letmeind's socket until it gives up (about 3 s)
        Path capture = captureUdpKnock();
        countFromForgedSources();
        long pid = lab.pid(Daemon.LETMEIND);
        Process flood = lab.startSpoof(Host.OTHER, lab.dir().resolve("logs/spoof-replay.log"), "replay",
                capture.toString(), "--server", Lab.SERVER_V4, "--source-base", FORGED_LINK_V4, "--sources", "100",
                "--pps", "3000", "--seconds", "240");
        Figures during = legitKnocksDuring(List.of(flood), 5, "the replayed KNOCK from 100 forged IPv4 sources on the"
                + " server's link at 3000 pkt/s (no assertion on these knocks)");
        assertThat(lab.pid(Daemon.LETMEIND)).as("the same letmeind").isEqualTo(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("letmeind alive").contains(true);
        assertThat(during.after().peakRssKiB()).as("letmeind's peak RSS (KiB), heap capped by -Xmx32m").isLessThan(96 * 1024);
        assertLogLine(Daemon.LETMEIND, "result=unsent");
        // once the flood stops, everything works at once
        Lab.sleep(Duration.ofSeconds(4));
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < 5; i++) {
            n += knock(failures, "-U", Lab.NAME_DUAL);
            n += knock(failures, "-T", Lab.NAME_DUAL);
        }
        figures("after the on-link flood: %d/10 knocks (5 UDP, 5 TCP, each IPv6 + IPv4)", n);
        assertThat(failures).as("knocks after the on-link flood").isEmpty();
        assertNoForgedLease();
    }

    /** What {@link #legitKnocksDuring} measured. */
    private record Figures(List<String> failures, double forgedPerSecond, ProcSample after) {
    }

    /**
     * While {@code flood} runs: {@code rounds} UDP and TCP knocks to server.lab (each an IPv6 and an IPv4
     * exchange), the forged datagrams that arrived, letmeind's CPU and memory. Stops the flood.
     */
    private Figures legitKnocksDuring(List<Process> flood, int rounds, String attack) throws Exception {
        assertThat(Lab.eventually(Duration.ofSeconds(20), () -> forgedArrived() >= 3000))
                .as("the forged flood reaches the server").isTrue();
        long arrived0 = forgedArrived();
        ProcSample before = lab.sample(Daemon.LETMEIND);
        long t0 = System.nanoTime();
        int udp = 0;
        int tcp = 0;
        List<String> failures = new ArrayList<>();
        long peakRss = 0;
        for (int i = 0; i < rounds; i++) {
            udp += knock(failures, "-U", Lab.NAME_DUAL);
            tcp += knock(failures, "-T", Lab.NAME_DUAL);
            peakRss = Math.max(peakRss, lab.sample(Daemon.LETMEIND).rssKiB());
        }
        long t1 = System.nanoTime();
        ProcSample after = lab.sample(Daemon.LETMEIND);
        long arrived = forgedArrived() - arrived0;
        for (Process p : flood) {
            assertThat(p.isAlive()).as("the flood ran during all knocks").isTrue();
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        double seconds = (t1 - t0) / 1e9;
        figures("%s: legit UDP knocks %d/%d, TCP knocks %d/%d (each IPv6 + IPv4) in %.1f s; forged datagrams arrived"
                + " %d (%.0f pkt/s); letmeind CPU %.1f%% of one core, RSS %d KiB before, %d KiB peak during, %d KiB"
                + " after (VmHWM %d KiB)", attack, udp, rounds, tcp, rounds, seconds, arrived, arrived / seconds,
                100.0 * (after.cpuMillis() - before.cpuMillis()) / (seconds * 1000), before.rssKiB(), peakRss,
                after.rssKiB(), after.peakRssKiB());
        return new Figures(failures, arrived / seconds, after);
    }

    private void assertNoForgedLease() {
        String ruleset = lab.nft("list", "set", "inet", "filter", "letmein-v4").output()
                + lab.nft("list", "set", "inet", "filter", "letmein-v6").output();
        assertThat(ruleset).as("the lease sets").contains(Lab.CLIENT_V4);
        assertThat(Pattern.compile("10\\.231\\.(1\\.1\\d\\d|99\\.\\d+)\\b|fd5e:1a8:99:").matcher(ruleset).find())
                .as("a lease for a forged source in%n%s", ruleset).isFalse();
    }

    @Test
    void sixHundredIdleConnectionsFromFortyAddressesStarveNoLegitKnock() throws Exception {
        List<String> sources = Lab.addressRange("10.231.1.10", 40);
        lab.addAddresses(Host.OTHER, sources);
        Path status = lab.dir().resolve("idle-status");
        startIdle(status, 15, sources);
        assertThat(Lab.eventually(Duration.ofSeconds(30), () -> idle(status, "opened") >= 600))
                .as("600 idle connections established (status %s)", readQuietly(status)).isTrue();
        String attack = "600 idle TCP connections from 40 addresses";
        legitKnocksSucceed(attack, status);
    }

    @Test
    void sixteenIdleConnectionsFromANeighbourOnTheClientsSlash64StarveNoLegitKnock() throws Exception {
        // other's own address fd5e:1a8:1::3 shares the client's /64 (fd5e:1a8:1::2)
        Path status = lab.dir().resolve("idle-status");
        startIdle(status, 16, List.of(Lab.OTHER_V6));
        assertThat(Lab.eventually(Duration.ofSeconds(30), () -> idle(status, "opened") >= 16))
                .as("16 idle connections established (status %s)", readQuietly(status)).isTrue();
        legitKnocksSucceed("16 idle TCP connections from a neighbour on the client's /64", status);
    }

    @Test
    void aKeyHolderKnockingFromHundredTenAddressesCannotLockOutTheAdmin() throws Exception {
        // user 2 may open only an unimportant port, with the default (600 s) lease time
        String shortLease = "00002200 = port: 2200 / users: 00000001, 00000002 / timeout: 3";
        lab.reconfigure(conf -> {
            assertThat(conf).contains(shortLease);
            return conf.replace(shortLease, shortLease + "\n00003300 = port: 3300 / users: 00000002");
        });
        List<String> v6 = Lab.addressRange("fd5e:1a8:1::2:0", 110);
        List<String> v4 = Lab.addressRange("10.231.1.100", 110);
        List<String> all = new ArrayList<>(v6);
        all.addAll(v4);
        lab.addAddresses(Host.OTHER, all);
        Map<String, String> key2 = Map.of("LETMEIN_KEY", lab.keys().get("KEY2"));
        String tally6 = ok(knockFrom(key2, Lab.SERVER_V6, v6)).stdout().strip();
        String tally4 = ok(knockFrom(key2, Lab.SERVER_V4, v4)).stdout().strip();
        int leases = count(tally6, "COMEIN") + count(tally4, "COMEIN");
        int refused = count(tally6, "GOAWAY") + count(tally4, "GOAWAY");

        CommandResult admin = lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "22");
        figures("key holder (user 2) knocking from 110 IPv6 + 110 IPv4 addresses: IPv6 [%s], IPv4 [%s]; then the"
                + " admin's knock for port 22 (IPv6 + IPv4): exit %d", tally6, tally4, admin.exitCode());
        ok(admin);
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);
        assertThat(leases).as("user 2's leases stop at its share of max-nr-rules (100)").isBetween(1, 60);
        assertThat(refused).as("user 2's knocks refused beyond its share").isEqualTo(220 - leases);
        assertLogLine(Daemon.FWD, "would be exceeded for user 00000002");
    }

    @Test
    void unauthenticatedUdpIsSummarisedAndAMistypedKnockLogsOneLine() throws Exception {
        lab.reconfigure(conf -> conf.replace("debug = true", "debug = false"));
        countFromForgedSources();
        int lines0 = letmeindLines();
        // 1,000 from 100 forged IPv4 sources, 1,000 from 100 forged IPv6 sources: 2,000 decodable frames
        ok(lab.spoof(Host.OTHER, Duration.ofSeconds(60), "junk", "--server", Lab.SERVER_V4, "--source-base", FORGED_LINK_V4,
                "--sources", "100", "--pps", "1000", "--count", "1000"));
        ok(lab.spoof(Host.OTHER, Duration.ofSeconds(60), "junk", "--server", Lab.SERVER_V6, "--source-base", FORGED_LINK_V6,
                "--sources", "100", "--pps", "1000", "--count", "1000"));
        assertThat(Lab.eventually(Duration.ofSeconds(10), () -> forgedArrived() >= 2000))
                .as("the 2,000 forged datagrams arrived (counter %d)", forgedArrived()).isTrue();
        // the summary comes at the end of the 10 s window
        assertThat(Lab.eventually(Duration.ofSeconds(25), () -> lab.log(Daemon.LETMEIND).contains("result=suppressed")))
                .as("a summary line").isTrue();
        Lab.sleep(Duration.ofSeconds(11)); // any second window's summary
        List<String> floodLines = newLines(lines0);
        int lines1 = letmeindLines();

        String conf = Lab.read(lab.clientConfig()).replaceAll("(?m)^00000001 = [0-9A-Fa-f]{64}$",
                "00000001 = " + "0123456789abcdef".repeat(4));
        Path wrong = lab.writeFile("client/wrong-key.conf", conf);
        CommandResult mistyped = lab.letmein(Host.CLIENT, wrong, "knock", "-U", "-4", Lab.NAME_DUAL, "22");
        assertThat(mistyped.exitCode()).as("the mistyped knock fails%n%s", mistyped.describe()).isNotZero();
        Lab.sleep(Duration.ofSeconds(11)); // past the end of the window: a summary would be written by now
        List<String> typoLines = newLines(lines1);
        figures("2000 decodable unauthenticated UDP datagrams from 100+100 forged sources, debug = false: %d log"
                + " lines; one mistyped UDP knock (retransmitted for the client's whole control-timeout): %d line(s)",
                floodLines.size(), typoLines.size());
        assertThat(floodLines).as("letmeind's lines for the forged flood").hasSizeLessThanOrEqualTo(20)
                .anyMatch(l -> l.contains("result=suppressed"));
        assertThat(typoLines).as("letmeind's lines for one mistyped UDP knock").hasSize(1);
        assertThat(typoLines.get(0)).contains("peer=" + Lab.CLIENT_V4 + ":", "result=rejected");
    }

    @Test
    void fourHundredUdpKnocksAtThirtyPercentLossEachWay() throws Exception {
        // 30% of the control datagrams are lost each way, at random, where the sender cannot see it: on
        // arrival (a drop in the sender's own output hook would fail its send() with EPERM instead)
        String towardServer = lossTable("udp dport 5800", "ip saddr " + Lab.CLIENT_V4);
        String towardClient = lossTable("udp sport 5800", "ip saddr " + Lab.SERVER_V4);
        ok(lab.run(Host.SERVER, Duration.ofSeconds(20), List.of("sh", "-c", "nft -f - <<'EOF'\n" + towardServer + "EOF")));
        ok(lab.run(Host.CLIENT, Duration.ofSeconds(20), List.of("sh", "-c", "nft -f - <<'EOF'\n" + towardClient + "EOF")));
        // 400 real `letmein knock -U` runs, 4 at a time (the lease is renewed each time)
        String letmein = lab.repo().resolve("bin/letmein") + " -c " + lab.clientConfig();
        Path results = lab.dir().resolve("loss");
        Files.createDirectories(results);
        String script = "for w in 1 2 3 4; do (\n"
                + "  for i in $(seq 100); do\n"
                + "    if " + letmein + " knock -U -4 " + Lab.NAME_DUAL + " 22 >/dev/null 2>" + results + "/err.$w.$i;"
                + " then echo ok >>" + results + "/ok.$w; else echo $i >>" + results + "/fail.$w; fi\n"
                + "  done) & done; wait\n";
        long t0 = System.nanoTime();
        ok(lab.run(Host.CLIENT, Duration.ofSeconds(900), List.of("bash", "-c", script)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        long succeeded = 0;
        List<String> failures = new ArrayList<>();
        for (int w = 1; w <= 4; w++) {
            Path okFile = results.resolve("ok." + w);
            succeeded += Files.exists(okFile) ? Files.readAllLines(okFile).size() : 0;
        }
        for (int w = 1; w <= 4; w++) {
            Path failFile = results.resolve("fail." + w);
            for (String i : Files.exists(failFile) ? Files.readAllLines(failFile) : List.<String>of()) {
                if (failures.size() < 10) {
                    failures.add("knock " + w + "." + i + ": " + Files.readString(results.resolve("err." + w + "." + i.strip())).strip());
                }
            }
        }
        String atServer = lab.nft("list", "table", "inet", "lmeloss").output();
        String atClient = lab.run(Host.CLIENT, "nft", "list", "table", "inet", "lmeloss").output();
        long outSent = counter(atServer, "arrived");
        long outLost = counter(atServer, "lost");
        long inSent = counter(atClient, "arrived");
        long inLost = counter(atClient, "lost");
        figures("30%% random loss each way: %d/400 UDP knocks succeeded in %.0f s; client to server %d datagrams,"
                + " %d lost (%.1f%%); server to client %d, %d lost (%.1f%%); %.2f datagrams sent per knock",
                succeeded, seconds, outSent, outLost, 100.0 * outLost / Math.max(1, outSent), inSent, inLost,
                100.0 * inLost / Math.max(1, inSent), outSent / 400.0);
        for (String f : failures) {
            figures("  a failed knock at 30%% loss: %s", f.replace('\n', ' '));
        }
        assertThat(succeeded).as("UDP knocks that succeeded at 30%% loss each way; failures:%n%s",
                String.join("\n", failures)).isGreaterThanOrEqualTo(398);
        assertThat(outLost).as("datagrams lost on the way to the server").isBetween((long) (outSent * 0.25), (long) (outSent * 0.35));
    }

    /** A table that drops 30% of the matching datagrams arriving at this host, and counts them. */
    private static String lossTable(String match, String from) {
        return "table inet lmeloss {\n"
                + "  counter arrived { }\n  counter lost { }\n"
                + "  chain in { type filter hook prerouting priority -300;\n"
                + "    " + from + " " + match + " counter name arrived\n"
                + "    " + from + " " + match + " numgen random mod 100 < 30 counter name lost drop\n  }\n"
                + "}\n";
    }

    private static long counter(String nftList, String name) {
        Matcher m = Pattern.compile("counter " + name + " \\{\\s*packets (\\d+)").matcher(nftList);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    // ---------------------------------------------------------------------------------------------

    /** A genuine UDP knock from the client, recorded on its way (as in ReplayIT). */
    private Path captureUdpKnock() throws Exception {
        Path capture = lab.dir().resolve("capture-udp.bin");
        Path ready = lab.dir().resolve("relay-ready");
        Process relay = lab.startTool(Host.CLIENT, lab.dir().resolve("logs/relay-udp.log"), RecordingRelay.class, "udp",
                Integer.toString(RELAY_PORT), Lab.SERVER_V4, Integer.toString(Lab.CONTROL_PORT), capture.toString(),
                ready.toString());
        assertThat(Lab.eventually(Duration.ofSeconds(30), () -> Files.exists(ready))).as("relay ready").isTrue();
        ok(lab.letmein(Host.CLIENT, "knock", "-U", "-P", Integer.toString(RELAY_PORT), "127.0.0.1", "22"));
        assertThat(relay.waitFor(30, TimeUnit.SECONDS)).as("relay finished").isTrue();
        assertThat(Files.size(capture)).as("captured frames").isGreaterThanOrEqualTo(112);
        return capture;
    }

    /** An nft counter, before any rule of letmein's, of the datagrams from the forged sources. */
    private void countFromForgedSources() {
        CommandResult r = lab.run(Host.SERVER, Duration.ofSeconds(20), List.of("sh", "-c", "nft -f - <<'EOF'\n"
                + "table inet lmecount {\n"
                + "  counter forged { }\n"
                + "  chain in { type filter hook input priority -400;\n"
                + "    ip saddr { 10.231.1.100-10.231.1.199, 10.231.99.0/24 } udp dport 5800 counter name forged\n"
                + "    ip6 saddr { fd5e:1a8:1::1:0/112, fd5e:1a8:99::/64 } udp dport 5800 counter name forged\n"
                + "  }\n"
                + "}\n"
                + "EOF"));
        ok(r);
    }

    private long forgedArrived() {
        String out = lab.nft("list", "counter", "inet", "lmecount", "forged").output();
        Matcher m = Pattern.compile("packets (\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private void startIdle(Path status, int perSource, List<String> sources) {
        List<String> args = new ArrayList<>(List.of(sources.get(0).contains(":") ? Lab.SERVER_V6 : Lab.SERVER_V4,
                Integer.toString(Lab.CONTROL_PORT), Integer.toString(perSource), "240", status.toString()));
        args.addAll(sources);
        lab.startTool(Host.OTHER, lab.dir().resolve("logs/idle.log"), IdleConnections.class, args.toArray(String[]::new));
    }

    /** 5 knocks each over TCP4, UDP4 and TCP6 (and UDP6), all of which must succeed during the attack. */
    private void legitKnocksSucceed(String attack, Path status) {
        List<String> failures = new ArrayList<>();
        int tcp4 = 0;
        int udp4 = 0;
        int tcp6 = 0;
        int udp6 = 0;
        String statusBefore = readQuietly(status);
        ProcSample before = lab.sample(Daemon.LETMEIND);
        long t0 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            tcp4 += knock(failures, "-T", "-4", Lab.NAME_DUAL);
            udp4 += knock(failures, "-U", "-4", Lab.NAME_DUAL);
            tcp6 += knock(failures, "-T", "-6", Lab.NAME_DUAL);
            udp6 += knock(failures, "-U", "-6", Lab.NAME_DUAL);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ProcSample after = lab.sample(Daemon.LETMEIND);
        String statusAfter = readQuietly(status);
        figures("%s: legit knocks TCP4 %d/5, UDP4 %d/5, TCP6 %d/5, UDP6 %d/5 in %.1f s; attacker before [%s], after"
                + " [%s]; letmeind CPU %.1f%% of one core, RSS %d KiB",
                attack, tcp4, udp4, tcp6, udp6, seconds, statusBefore, statusAfter,
                100.0 * (after.cpuMillis() - before.cpuMillis()) / (seconds * 1000), after.rssKiB());
        assertThat(failures).as("legit knocks that failed during: %s", attack).isEmpty();
        assertThat(idle(status, "open")).as("the attacker still holds connections (%s)", statusAfter).isPositive();
    }

    /** One {@code letmein knock ... HOST 22}; 1 if it succeeded, else 0 and its output in {@code failures}. */
    private int knock(List<String> failures, String... options) {
        List<String> args = new ArrayList<>(List.of("knock"));
        args.addAll(List.of(options));
        args.add("22");
        CommandResult r = lab.letmein(Host.CLIENT, args.toArray(String[]::new));
        if (r.ok()) {
            return 1;
        }
        failures.add(r.describe());
        return 0;
    }

    private CommandResult knockFrom(Map<String, String> env, String server, List<String> sources) {
        List<String> args = new ArrayList<>(List.of(server, Integer.toString(Lab.CONTROL_PORT), "00000002", "00003300"));
        args.addAll(sources);
        return lab.tool(Host.OTHER, Duration.ofSeconds(180), env, KnockFrom.class, args.toArray(String[]::new));
    }

    private static int count(String tally, String outcome) {
        Matcher m = Pattern.compile("\\b" + outcome + "=(\\d+)").matcher(tally);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static long idle(Path status, String field) {
        Matcher m = Pattern.compile("\\b" + field + "=(\\d+)").matcher(readQuietly(status));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String readQuietly(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private int letmeindLines() {
        return (int) lab.log(Daemon.LETMEIND).lines().count();
    }

    private List<String> newLines(int from) {
        return lab.log(Daemon.LETMEIND).lines().skip(from).toList();
    }

    /** Prints a measured figure and appends it to target/availability-figures.txt. */
    private void figures(String format, Object... args) {
        String line = String.format(java.util.Locale.ROOT, format, args);
        System.out.println("FIGURES " + line);
        Path file = Path.of(System.getProperty("letmein.e2e.logs", lab.repo().resolve("letmein-e2e/target/lab-logs").toString()))
                .resolveSibling("availability-figures.txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, java.time.Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
