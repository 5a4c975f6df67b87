package letmein.fwd.nft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import letmein.proto.daemon.DaemonLog;

/**
 * Merges concurrent firewall changes into one atomic nft transaction, applied through an
 * {@link NftBackend} (in letmeinfwd the long-lived {@link NftSession}). One worker thread takes every
 * change that queued up while the previous transaction ran, so under load nft and the kernel see one
 * transaction per batch, not per knock, and there is no artificial delay when idle. The kernel applies a
 * transaction whole or not at all; if a merged batch fails, each of its changes is retried alone so only
 * the culprit fails and nothing is left half-applied.
 */
public final class NftBatcher implements AutoCloseable {
    /**
     * A rule as letmeinfwd names it: chain plus exact comment ({@link NftCommands} writes the comments);
     * its handle, which changes with every re-add, is looked up at apply time.
     */
    public record RuleRef(String chain, String comment) {
        public RuleRef {
            Objects.requireNonNull(chain);
            Objects.requireNonNull(comment);
        }

        // written out: a record's generated equals/hashCode bootstrap ~40 resident method-handle classes
        @Override
        public boolean equals(Object o) {
            return o instanceof RuleRef r && chain.equals(r.chain) && comment.equals(r.comment);
        }

        @Override
        public int hashCode() {
            return chain.hashCode() * 31 + comment.hashCode();
        }
    }

    /**
     * One request's part of a transaction: rules to delete (by comment, if present) and commands to run
     * after those deletions. {@code label} names the change in logs.
     */
    public record Change(String label, List<RuleRef> deleteRules, List<ObjectNode> commands) {
        public Change {
            Objects.requireNonNull(label);
            deleteRules = List.copyOf(deleteRules);
            commands = List.copyOf(commands);
        }
    }

    /**
     * Commands computed on the worker thread just before they are applied, alone in their transaction:
     * a rebuild from the state of that moment, ordered with every change before and after it.
     */
    @FunctionalInterface
    public interface LateCommands {
        List<ObjectNode> get() throws NftException;
    }

    /** A queued change; {@code late} (else null) replaces {@code change}'s commands by those computed at apply time. */
    private record Pending(Change change, CompletableFuture<Void> done, LateCommands late) {
        Pending(Change change, CompletableFuture<Void> done) {
            this(change, done, null);
        }
    }

    private static final Pending STOP = new Pending(new Change("stop", List.of(), List.of()), null);

    private final NftBackend nft;
    private final NftCommands json;
    private final FirewallNames names;
    private final DaemonLog log;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong largestBatch = new AtomicLong();
    private volatile boolean closed;

    public NftBatcher(NftBackend nft, FirewallNames names, DaemonLog log, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.nft = nft;
        this.names = names;
        this.json = new NftCommands(names);
        this.log = log;
        this.maxBatch = maxBatch;
        this.worker = new Thread(this::work, "nft-batcher");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues a change; the future completes when its transaction is in the kernel (or fails). */
    public synchronized CompletableFuture<Void> submit(Change change) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new NftException("letmeinfwd is shutting down"));
            return done;
        }
        queue.add(new Pending(change, done));
        return done;
    }

    /**
     * Queues commands that {@code late} computes on the worker thread when their turn comes; they run in
     * a transaction of their own, after every change queued before and before every change queued after.
     */
    public synchronized CompletableFuture<Void> submitAlone(String label, LateCommands late) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new NftException("letmeinfwd is shutting down"));
            return done;
        }
        queue.add(new Pending(new Change(label, List.of(), List.of()), done, Objects.requireNonNull(late)));
        return done;
    }

    /** Number of nft transactions run so far (for measurements and tests). */
    public long transactions() {
        return transactions.get();
    }

    /** Most changes merged into one successful transaction so far. */
    public long largestBatch() {
        return largestBatch.get();
    }

    /** Removes the STOP sentinel by identity (a record's equals would compare whole JSON trees). */
    private static boolean removeStop(List<Pending> batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) == STOP) {
                batch.remove(i);
                return true;
            }
        }
        return false;
    }

    private void work() {
        while (true) {
            Pending first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (first == STOP) {
                failRest();
                return;
            }
            List<Pending> batch = new ArrayList<>();
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            boolean stop = removeStop(batch);
            runInOrder(batch);
            if (stop) {
                failRest();
                return;
            }
        }
    }

    private void failRest() {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Pending p : rest) {
            if (p != STOP) {
                p.done.completeExceptionally(new NftException("letmeinfwd is shutting down"));
            }
        }
    }

    /** Runs the batch, each {@link LateCommands} alone at its place in the order. */
    private void runInOrder(List<Pending> batch) {
        List<Pending> merged = new ArrayList<>();
        for (Pending p : batch) {
            if (p.late == null) {
                merged.add(p);
                continue;
            }
            if (!merged.isEmpty()) {
                run(merged);
                merged = new ArrayList<>();
            }
            try {
                transaction(p.late.get());
                p.done.complete(null);
            } catch (NftException | RuntimeException e) {
                p.done.completeExceptionally(e);
            }
        }
        if (!merged.isEmpty()) {
            run(merged);
        }
    }

    private void run(List<Pending> batch) {
        try {
            apply(batch);
            for (Pending p : batch) { // loops, not lambdas, on the request path: each lambda is a resident class
                p.done.complete(null);
            }
            return;
        } catch (NftException | RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).done.completeExceptionally(e);
                return;
            }
            log.warn("nft batch of " + batch.size() + " changes failed, retrying each alone: " + e.getMessage());
        }
        for (Pending p : batch) {
            try {
                apply(List.of(p));
                p.done.complete(null);
            } catch (NftException | RuntimeException e) {
                p.done.completeExceptionally(e);
            }
        }
    }

    private void apply(List<Pending> batch) throws NftException {
        Map<RuleRef, List<Long>> handles = Map.of();
        for (Pending p : batch) {
            if (!p.change.deleteRules().isEmpty()) {
                handles = ruleHandles(nft.listTableTerse(names));
                break;
            }
        }
        List<ObjectNode> commands = new ArrayList<>();
        Set<Long> deleted = new HashSet<>();
        for (Pending p : batch) {
            for (RuleRef ref : p.change.deleteRules()) {
                for (long h : handles.getOrDefault(ref, List.of())) {
                    if (deleted.add(h)) {
                        commands.add(json.deleteRule(ref.chain(), h));
                    }
                }
            }
            commands.addAll(p.change.commands());
        }
        transaction(commands);
        if (batch.size() > largestBatch.get()) { // only this worker thread writes it
            largestBatch.set(batch.size());
        }
        if (batch.size() > 1 && log.debugEnabled()) {
            log.debug(() -> "nft transaction merged changes=" + batch.size());
        }
    }

    /** Applies {@code commands} as one transaction (nothing if empty) and counts it. */
    private void transaction(List<ObjectNode> commands) throws NftException {
        if (commands.isEmpty()) {
            return;
        }
        ObjectNode doc = NftCommands.document(commands);
        if (log.debugEnabled()) {
            log.debug(() -> "nft transaction <<< " + JsonText.text(doc));
        }
        nft.apply(doc);
        transactions.incrementAndGet();
    }

    /** (chain, comment) → handles of the rules in a {@code nft -j list table} answer. */
    public static Map<RuleRef, List<Long>> ruleHandles(JsonNode listing) {
        Map<RuleRef, List<Long>> out = new HashMap<>();
        for (JsonNode item : listing.path("nftables")) {
            JsonNode rule = item.get("rule");
            if (rule == null || !rule.hasNonNull("comment") || !rule.hasNonNull("handle")) {
                continue;
            }
            out.computeIfAbsent(new RuleRef(rule.path("chain").asText(), rule.get("comment").asText()),
                    k -> new ArrayList<>()).add(rule.get("handle").asLong());
        }
        return out;
    }

    /** Stops the worker after the batch in progress; changes still queued fail. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
