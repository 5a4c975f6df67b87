package letmein.fwd.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.NftBatcher;
import letmein.fwd.nft.NftBatcherTest;
import letmein.proto.config.JumpResource;
import letmein.proto.config.NftFamily;
import letmein.proto.config.PortResource;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/** LeaseBook with a controlled clock and a recording stand-in for nft (see NftBatcherTest). */
class LeaseBookTest {
    static final FirewallNames NAMES = new FirewallNames(NftFamily.INET, "filter", "IN", Optional.of("FWD"),
            Optional.empty());
    static final UserId U = new UserId(1);
    static final PortResource SSH = new PortResource(new ResourceId(0x10), 22, true, false, Set.of(), Optional.empty());
    static final PortResource BOTH = new PortResource(new ResourceId(0x12), 4096, true, true, Set.of(),
            Optional.of(Duration.ofSeconds(30)));
    static final JumpResource JUMP = new JumpResource(new ResourceId(0x20),
            Optional.of(new JumpResource.JumpTarget("A", true)), Optional.of(new JumpResource.JumpTarget("B", false)),
            Optional.empty(), Set.of(), Optional.of(Duration.ofSeconds(10)));

    static final class FakeTime implements TimeSource {
        long nanos;

        @Override
        public long monotonicNanos() {
            return nanos;
        }

        @Override
        public long epochSeconds() {
            return nanos / 1_000_000_000L;
        }
    }

    private final NftBatcherTest.RecordingNft nft = new NftBatcherTest.RecordingNft();
    private final FakeTime time = new FakeTime();
    private final NftBatcher batcher;
    private final LeaseBook book;

    LeaseBookTest() {
        nft.release.countDown();
        batcher = new NftBatcher(nft, NAMES, DaemonLog.to(System.out, false), 100);
        book = new LeaseBook(NAMES, Duration.ofSeconds(600), 6, 6, 1, batcher, time, DaemonLog.to(System.out, false),
                RefreshMode.ADD_DELETE_ADD);
    }

    @AfterEach
    void close() {
        batcher.close();
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void portLeaseReassertsEachElementWithItsTimeout() throws Exception {
        book.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS);
        assertThat(nft.documents).hasSize(1);
        String doc = nft.documents.get(0);
        assertThat(doc).contains("\"concat\":[\"192.0.2.1\",\"tcp\",4096]},\"timeout\":30",
                "\"concat\":[\"192.0.2.1\",\"udp\",4096]},\"timeout\":30");
        assertThat(doc.split("\"add\"", -1)).hasSize(3); // a new lease: one add per element
        assertThat(doc).doesNotContain("\"delete\"");
        assertThat(book.count()).isEqualTo(3);
        book.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS);
        assertThat(book.count()).as("a refresh is not a new lease").isEqualTo(3);
        assertThat(nft.documents).hasSize(2);
        String refresh = nft.documents.get(1); // add, delete, add for each of the two elements
        assertThat(refresh.split("\"add\"", -1)).hasSize(5);
        assertThat(refresh.split("\"delete\"", -1)).hasSize(3);
    }

    @Test
    void onAKernelThatRestartsTimersARefreshIsOneAddWithExpiryPerElement() throws Exception {
        LeaseBook readd = new LeaseBook(NAMES, Duration.ofSeconds(600), 6, 6, 1, batcher, time,
                DaemonLog.to(System.out, false), RefreshMode.READD);
        readd.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS);
        readd.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS);
        assertThat(readd.count()).as("a refresh is not a new lease").isEqualTo(3);
        assertThat(nft.documents).hasSize(2);
        for (String doc : nft.documents) {
            assertThat(doc).contains("\"concat\":[\"192.0.2.1\",\"tcp\",4096]},\"timeout\":30,\"expires\":30",
                    "\"concat\":[\"192.0.2.1\",\"udp\",4096]},\"timeout\":30,\"expires\":30");
            assertThat(doc.split("\"add\"", -1)).hasSize(3);
            assertThat(doc).doesNotContain("\"delete\"");
        }
    }

    @Test
    void oneUserCannotTakeAnotherUsersShare() throws Exception {
        // 100 rules, 2 control rules, 2 users: 49 each
        int share = new letmein.proto.config.NftablesConfig("nft", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(600), 100).perUserLimit(2, 2);
        assertThat(share).isEqualTo(49);
        UserId admin = new UserId(2);
        LeaseBook shared = new LeaseBook(NAMES, Duration.ofSeconds(600), 100, share, 2, batcher, time,
                DaemonLog.to(System.out, false), RefreshMode.ADD_DELETE_ADD);
        // a key holder knocks from 110 addresses of its /64
        int refused = 0;
        for (int i = 1; i <= 110; i++) {
            try {
                shared.install(U, SSH, ip("2001:db8:1:2::" + Integer.toHexString(i))).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(LeaseException.class)
                        .hasMessageContaining("max-nr-rules-per-user (49) would be exceeded for user 00000001");
                refused++;
            }
        }
        assertThat(refused).isEqualTo(61);
        assertThat(shared.countOf(U)).isEqualTo(49);
        // the admin's knocks still get in, on both families
        shared.install(admin, SSH, ip("192.0.2.99")).get(5, TimeUnit.SECONDS);
        shared.install(admin, BOTH, ip("2001:db8:9::1")).get(5, TimeUnit.SECONDS);
        assertThat(shared.countOf(admin)).isEqualTo(3);
        // a refresh of a held lease needs no new room; a revoke gives room back
        shared.install(U, SSH, ip("2001:db8:1:2::1")).get(5, TimeUnit.SECONDS);
        shared.revoke(U, SSH, ip("2001:db8:1:2::1")).get(5, TimeUnit.SECONDS);
        assertThat(shared.countOf(U)).isEqualTo(48);
        shared.install(U, SSH, ip("2001:db8:1:2::ff")).get(5, TimeUnit.SECONDS);
        // leases that expire give their room back too
        time.nanos += Duration.ofSeconds(601).toNanos();
        shared.expireDue();
        assertThat(shared.countOf(U)).isZero();
        assertThat(shared.countOf(admin)).isZero();
    }

    @Test
    void maxNrRulesCountsControlRulesElementsAndJumps() throws Exception {
        book.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS); // 1 + 2
        book.install(U, JUMP, ip("192.0.2.1")).get(5, TimeUnit.SECONDS); // + 2 = 5
        book.install(U, SSH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS); // 6
        assertThatThrownBy(() -> book.install(U, SSH, ip("192.0.2.2")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(LeaseException.class)
                .hasMessageContaining("max-nr-rules (6) would be exceeded: 6 installed, 1 new");
        book.install(U, SSH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS);
        book.revoke(U, SSH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS);
        assertThat(book.count()).isEqualTo(5);
        book.install(U, SSH, ip("192.0.2.2")).get(5, TimeUnit.SECONDS);
        assertThat(book.count()).isEqualTo(6);
    }

    @Test
    void leasesThatExpiredSinceTheLastSweepDoNotCountAndAreOpenedAfresh() throws Exception {
        book.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS); // 1 control + 2 (30 s)
        book.install(U, SSH, ip("192.0.2.2")).get(5, TimeUnit.SECONDS); // 4 (600 s)
        book.install(U, SSH, ip("192.0.2.3")).get(5, TimeUnit.SECONDS); // 5
        book.install(U, SSH, ip("192.0.2.4")).get(5, TimeUnit.SECONDS); // 6 = max-nr-rules
        time.nanos += Duration.ofSeconds(31).toNanos(); // BOTH expired in the kernel; no 1 s sweep ran
        int before = nft.documents.size();
        book.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS); // its 2 expired elements do not count
        assertThat(nft.documents.get(before)).as("an expired lease is opened, not refreshed")
                .doesNotContain("\"delete\"");
        time.nanos += Duration.ofSeconds(31).toNanos(); // expired again, still in the book
        book.install(U, SSH, ip("192.0.2.5")).get(5, TimeUnit.SECONDS); // full only until expired ones are pruned
        assertThat(book.count()).isEqualTo(5);
    }

    @Test
    void aFailedTransactionLeavesTheBookAsBefore() throws Exception {
        nft.failAll = true;
        assertThatThrownBy(() -> book.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> book.install(U, JUMP, ip("192.0.2.1")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThat(book.count()).isEqualTo(1);
    }

    @Test
    void kernelExpiredElementsAreForgottenAndJumpRulesRemovedByTheTimer() throws Exception {
        book.install(U, BOTH, ip("192.0.2.1")).get(5, TimeUnit.SECONDS);
        book.install(U, JUMP, ip("2001:db8::1")).get(5, TimeUnit.SECONDS);
        assertThat(nft.documents.get(1)).contains("\"comment\":\"2001:db8::1/jump/A/LETMEIN\"",
                "\"comment\":\"2001:db8::1/jump/B/LETMEIN\"", "\"protocol\":\"ip6\",\"field\":\"saddr\"");
        book.install(U, JUMP, ip("2001:db8::1")).get(5, TimeUnit.SECONDS);
        assertThat(nft.documents).as("a jump refresh only extends the timer").hasSize(2);
        synchronized (nft) {
            nft.listing = NftBatcherTest.parse0("{\"nftables\":[{\"rule\":{\"chain\":\"IN\",\"handle\":5,\"comment\":"
                    + "\"2001:db8::1/jump/A/LETMEIN\"}},{\"rule\":{\"chain\":\"FWD\",\"handle\":6,\"comment\":"
                    + "\"2001:db8::1/jump/B/LETMEIN\"}}]}");
        }
        time.nanos += Duration.ofSeconds(9).toNanos();
        book.expireDue();
        assertThat(book.count()).isEqualTo(5);
        time.nanos += Duration.ofSeconds(2).toNanos();
        book.expireDue();
        long end = System.nanoTime() + 5_000_000_000L;
        while (nft.documents.size() < 3 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(nft.documents.get(2)).contains("\"chain\":\"IN\",\"handle\":5", "\"chain\":\"FWD\",\"handle\":6");
        assertThat(book.count()).isEqualTo(3);
        time.nanos += Duration.ofSeconds(20).toNanos(); // past the 30 s kernel timeout of the elements
        assertThat(book.count()).isEqualTo(1);
    }

    @Test
    void revokeOfAPortDeletesEachElementAfterAssertingIt() throws Exception {
        book.revoke(U, SSH, ip("::ffff:192.0.2.9")).get(5, TimeUnit.SECONDS);
        assertThat(nft.documents.get(0)).isEqualTo("{\"nftables\":[{\"add\":{\"element\":{\"family\":\"inet\",\"table\":"
                + "\"filter\",\"name\":\"letmein-v4\",\"elem\":[{\"elem\":{\"val\":{\"concat\":[\"192.0.2.9\",\"tcp\",22]},"
                + "\"timeout\":1}}]}}},{\"delete\":{\"element\":{\"family\":\"inet\",\"table\":\"filter\",\"name\":"
                + "\"letmein-v4\",\"elem\":[{\"elem\":{\"val\":{\"concat\":[\"192.0.2.9\",\"tcp\",22]}}}]}}}]}");
    }
}
