package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import letmein.proto.fwd.FwdMessage;

/**
 * Measurements, not assertions of speed: install round trip (IPC → ACK) with real nft, installs per
 * second one-by-one vs 50 concurrent clients, how many requests one transaction merged, idle RSS.
 * Results go to stdout and target/lmfwd-bench.txt. Only correctness (every reply an ACK, every element
 * present) is asserted.
 */
class FwdBenchIT {
    @Test
    void measure() throws Exception {
        try (Lab lab = Lab.create("b")) {
            Path dir = lab.newDir();
            String conf = Configs4Test.full(1_000_000);
            try (Daemon d = Daemon.start(lab, dir, conf, "-n", "64")) {
                Daemon.sleep(3000);
                long rssIdle = rssKib(d.process.pid());
                for (int i = 0; i < 50; i++) { // warm-up
                    assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("10.60.0." + (i + 1)),
                            d.checksum)).isEqualTo(new FwdMessage.Ack());
                }
                List<Long> rtt = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    InetAddress a = InetAddress.getByName("10.61." + (i / 250) + "." + (i % 250 + 1));
                    long s = System.nanoTime();
                    assertThat(Ipc.install(d.socket(), 1, 0x10, a, d.checksum)).isEqualTo(new FwdMessage.Ack());
                    rtt.add(System.nanoTime() - s);
                }
                double sequentialPerSec = 200 / ((System.nanoTime() - t0) / 1e9);
                Collections.sort(rtt);
                int logMark = d.log().length();
                ExecutorService pool = Executors.newFixedThreadPool(50);
                List<Future<FwdMessage>> replies = new ArrayList<>();
                CountDownLatch go = new CountDownLatch(1);
                int total = 1000;
                for (int i = 0; i < total; i++) {
                    InetAddress a = InetAddress.getByName("10.62." + (i / 250) + "." + (i % 250 + 1));
                    replies.add(pool.submit(() -> {
                        go.await();
                        return Ipc.install(d.socket(), 1, 0x10, a, d.checksum);
                    }));
                }
                long c0 = System.nanoTime();
                go.countDown();
                for (Future<FwdMessage> f : replies) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(new FwdMessage.Ack());
                }
                double concurrentPerSec = total / ((System.nanoTime() - c0) / 1e9);
                pool.shutdown();
                assertThat(lab.elements("letmein-v4")).hasSize(50 + 200 + total);
                Matcher m = Pattern.compile("merged changes=(\\d+)").matcher(d.log().substring(logMark));
                int maxMerged = 1;
                int batches = 0;
                int merged = 0;
                while (m.find()) {
                    int n = Integer.parseInt(m.group(1));
                    maxMerged = Math.max(maxMerged, n);
                    batches++;
                    merged += n;
                }
                long rssAfter = rssKib(d.process.pid());
                String report = String.format(java.util.Locale.ROOT,
                        "letmeinfwd bench (real nft %s)%n"
                                + "idle RSS after start: %d KiB (%.1f MiB); after %d leases: %d KiB%n"
                                + "install round trip IPC->ACK, 200 sequential: median %.2f ms, p90 %.2f ms, max %.2f ms%n"
                                + "installs/s one-by-one: %.0f; with 50 concurrent clients (-n 64): %.0f%n"
                                + "50 concurrent clients, %d installs: %d merged transactions carried %d requests, largest merged %d%n",
                        lab.exec("nft", "--version").out().trim(), rssIdle, rssIdle / 1024.0, 250 + total, rssAfter,
                        rtt.get(100) / 1e6, rtt.get(180) / 1e6, rtt.get(199) / 1e6, sequentialPerSec, concurrentPerSec,
                        total, batches, merged, maxMerged);
                System.out.print(report);
                Files.writeString(Path.of("target/lmfwd-bench.txt"), report);
            }
            try (Daemon d = Daemon.start(lab, dir, conf)) { // default -n 8
                int mark = d.log().length();
                double rate = concurrent(d, 1000, "10.63.");
                Matcher m = Pattern.compile("merged changes=(\\d+)").matcher(d.log().substring(mark));
                int maxMerged = 1;
                while (m.find()) {
                    maxMerged = Math.max(maxMerged, Integer.parseInt(m.group(1)));
                }
                String report = String.format(java.util.Locale.ROOT,
                        "with the default -n 8: 50 concurrent clients, 1000 installs: %.0f/s, largest merged %d%n",
                        rate, maxMerged);
                System.out.print(report);
                Files.writeString(Path.of("target/lmfwd-bench.txt"), report, java.nio.file.StandardOpenOption.APPEND);
            }
        }
    }

    private static double concurrent(Daemon d, int total, String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<FwdMessage>> replies = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < total; i++) {
                InetAddress a = InetAddress.getByName(prefix + (i / 250) + "." + (i % 250 + 1));
                replies.add(pool.submit(() -> {
                    go.await();
                    return Ipc.install(d.socket(), 1, 0x10, a, d.checksum);
                }));
            }
            long c0 = System.nanoTime();
            go.countDown();
            for (Future<FwdMessage> f : replies) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(new FwdMessage.Ack());
            }
            return total / ((System.nanoTime() - c0) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }
}
