package letmein.daemon.fwd;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import letmein.proto.fwd.FwdCodec;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.fwd.FwdProtocolException;
import letmein.proto.session.FwdResult;

/**
 * Talks to letmeinfwd: one Unix-socket connection per request, one fixed-size 60-byte request, one
 * reply, close (docs/PROTOCOL.md, "letmeind to letmeinfwd"). Blocking I/O runs on a few worker threads, never on the
 * event loop; a watchdog closes a connection whose send or receive exceeds the timeout (10 s each,
 * as upstream), which makes the blocked call fail. Every failure becomes a {@link FwdResult.Failed}.
 */
public final class FwdClient implements AutoCloseable {
    /** Upstream's FWD_IPC_TIMEOUT, applied to the send and to the receive separately. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final UnixDomainSocketAddress address;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog;
    private final ExecutorService workers;

    /**
     * @param socket   {@code <rundir>/letmeinfwd/letmeinfwd.sock}
     * @param watchdog schedules the timeouts (the event loop is fine: the tasks only close a channel)
     */
    public FwdClient(Path socket, Duration timeout, ScheduledExecutorService watchdog, int maxThreads) {
        this.address = UnixDomainSocketAddress.of(socket);
        this.timeout = Objects.requireNonNull(timeout);
        this.watchdog = Objects.requireNonNull(watchdog);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(null, r, "letmeind-fwd-" + n.incrementAndGet(), 256 * 1024);
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
    }

    /** Sends {@code request} off the calling thread; the future never completes exceptionally. */
    public CompletableFuture<FwdResult> send(FwdMessage.Request request) {
        CompletableFuture<FwdResult> f = new CompletableFuture<>();
        try {
            workers.execute(() -> f.complete(sendBlocking(request)));
        } catch (RuntimeException e) { // rejected after shutdown
            f.complete(new FwdResult.Failed("letmeind is shutting down"));
        }
        return f;
    }

    /** Sends {@code request} on the calling thread (blocking, bounded by the timeouts). */
    public FwdResult sendBlocking(FwdMessage.Request request) {
        AtomicBoolean timedOut = new AtomicBoolean();
        String stage = "connect to";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> guard = watchdog.schedule(() -> expire(ch, timedOut), timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            try {
                ch.connect(address);
                stage = "send to";
                ByteBuffer out = ByteBuffer.wrap(FwdCodec.encode(request));
                while (out.hasRemaining()) {
                    ch.write(out);
                }
            } finally {
                guard.cancel(false);
            }
            stage = "receive from";
            guard = watchdog.schedule(() -> expire(ch, timedOut), timeout.toNanos(), TimeUnit.NANOSECONDS);
            ByteBuffer in = ByteBuffer.allocate(FwdCodec.SIZE);
            try {
                while (in.hasRemaining()) {
                    if (ch.read(in) < 0) {
                        return new FwdResult.Failed("Connection terminated by letmeinfwd after "
                                + in.position() + " of " + FwdCodec.SIZE + " reply bytes");
                    }
                }
            } finally {
                guard.cancel(false);
            }
            FwdMessage reply = FwdCodec.decode(in.array());
            if (reply instanceof FwdMessage.Ack) {
                return new FwdResult.Acked();
            }
            if (reply instanceof FwdMessage.Nack) {
                return new FwdResult.Failed("The firewall rejected the request"
                        + " (letmeinfwd logged why; after editing letmeind.conf reload both daemons)");
            }
            return new FwdResult.Failed("letmeinfwd sent an invalid reply (a request, not ACK/NACK)");
        } catch (AsynchronousCloseException e) {
            if (timedOut.get()) {
                return new FwdResult.Failed("timed out after " + timeout.toMillis() + " ms trying to " + stage
                        + " letmeinfwd at " + address.getPath());
            }
            return new FwdResult.Failed("connection to letmeinfwd closed: " + e);
        } catch (FwdProtocolException e) {
            return new FwdResult.Failed("letmeinfwd sent an undecodable reply: " + e.getMessage());
        } catch (IOException e) {
            return new FwdResult.Failed("cannot " + stage + " letmeinfwd at " + address.getPath() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private static void expire(SocketChannel ch, AtomicBoolean timedOut) {
        timedOut.set(true);
        try {
            ch.close();
        } catch (IOException e) {
            // closing a channel we own; nothing left to do
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
