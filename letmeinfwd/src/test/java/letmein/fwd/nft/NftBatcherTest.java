package letmein.fwd.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import letmein.proto.config.NftFamily;
import letmein.proto.daemon.DaemonLog;

/**
 * The batcher with a recording stand-in for nft (a fake because counting and blocking real nft
 * processes deterministically is impossible; the integration tests use real nft).
 */
public class NftBatcherTest {
    public static final FirewallNames NAMES = new FirewallNames(NftFamily.INET, "filter", "LETMEIN-INPUT", Optional.empty(),
            Optional.empty());
    private final NftCommands json = new NftCommands(NAMES);

    /** Records each transaction; the first blocks until released; rejects documents containing "fail". */
    public static final class RecordingNft implements NftBackend {
        public final List<String> documents = new ArrayList<>();
        final CountDownLatch firstEntered = new CountDownLatch(1);
        public final CountDownLatch release = new CountDownLatch(1);
        public JsonNode listing = parse0("{\"nftables\":[]}");
        public volatile boolean failAll;

        @Override
        public void apply(ObjectNode document) throws NftException {
            String text = JsonText.text(document);
            synchronized (this) {
                documents.add(text);
            }
            firstEntered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (text.contains("FAIL") || failAll) {
                throw new NftException("Error: No such file or directory");
            }
        }

        @Override
        public synchronized JsonNode listTable(FirewallNames names) {
            return listing;
        }
    }

    public static JsonNode parse0(String s) {
        try {
            return JsonText.parse(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private NftBatcher.Change change(String comment) throws Exception {
        return new NftBatcher.Change(comment, List.of(),
                List.of(json.addJumpRule("LETMEIN-INPUT", InetAddress.getByName("192.0.2.1"), false, comment)));
    }

    @Test
    void fiftyConcurrentRequestsShareTwoTransactions() throws Exception {
        RecordingNft nft = new RecordingNft();
        try (NftBatcher b = new NftBatcher(nft, NAMES, DaemonLog.to(System.out, false), 1000)) {
            CompletableFuture<Void> first = b.submit(change("C0"));
            assertThat(nft.firstEntered.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> rest = new ArrayList<>();
            for (int i = 1; i < 50; i++) {
                rest.add(b.submit(change("C" + i)));
            }
            nft.release.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Void> f : rest) {
                f.get(5, TimeUnit.SECONDS);
            }
            assertThat(nft.documents).hasSize(2);
            assertThat(b.transactions()).isEqualTo(2);
            assertThat(b.largestBatch()).isEqualTo(49);
            assertThat(nft.documents.get(1)).contains("\"C1\"", "\"C49\"");
        }
    }

    @Test
    void aFailingChangeFailsAloneAndTheOthersAreRetriedSeparately() throws Exception {
        RecordingNft nft = new RecordingNft();
        try (NftBatcher b = new NftBatcher(nft, NAMES, DaemonLog.to(System.out, false), 1000)) {
            CompletableFuture<Void> first = b.submit(change("C0"));
            assertThat(nft.firstEntered.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> ok1 = b.submit(change("A"));
            CompletableFuture<Void> bad = b.submit(change("FAIL"));
            CompletableFuture<Void> ok2 = b.submit(change("B"));
            nft.release.countDown();
            first.get(5, TimeUnit.SECONDS);
            ok1.get(5, TimeUnit.SECONDS);
            ok2.get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NftException.class);
            // C0, the merged batch (rejected as a whole by the kernel), then A, FAIL, B alone
            assertThat(nft.documents).hasSize(5);
            assertThat(b.transactions()).isEqualTo(3);
        }
    }

    @Test
    void ruleDeletionsAreResolvedToHandlesOnceAndNotDuplicated() throws Exception {
        RecordingNft nft = new RecordingNft();
        nft.release.countDown();
        nft.listing = parse0("{\"nftables\":[{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":"
                + "\"LETMEIN-INPUT\",\"handle\":17,\"comment\":\"192.0.2.1/jump/X/LETMEIN\",\"expr\":[]}}]}");
        try (NftBatcher b = new NftBatcher(nft, NAMES, DaemonLog.to(System.out, false), 1000)) {
            NftBatcher.RuleRef ref = new NftBatcher.RuleRef("LETMEIN-INPUT", "192.0.2.1/jump/X/LETMEIN");
            b.submit(new NftBatcher.Change("del", List.of(ref, ref), List.of())).get(5, TimeUnit.SECONDS);
            b.submit(new NftBatcher.Change("absent", List.of(new NftBatcher.RuleRef("LETMEIN-INPUT", "nope")),
                    List.of())).get(5, TimeUnit.SECONDS);
            assertThat(nft.documents).containsExactly("{\"nftables\":[{\"delete\":{\"rule\":{\"family\":\"inet\","
                    + "\"table\":\"filter\",\"chain\":\"LETMEIN-INPUT\",\"handle\":17}}}]}");
        }
    }

    @Test
    void afterCloseSubmissionsFail() throws Exception {
        RecordingNft nft = new RecordingNft();
        nft.release.countDown();
        NftBatcher b = new NftBatcher(nft, NAMES, DaemonLog.to(System.out, false), 10);
        b.close();
        assertThatThrownBy(() -> b.submit(change("late")).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NftException.class);
    }
}
