package letmein.fwd.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import letmein.fwd.check.RequestCheck;
import letmein.fwd.lease.LeaseBook;
import letmein.fwd.reload.FwdConfigs;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.fwd.FwdCodec;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.fwd.FwdProtocolException;
import letmein.proto.net.Addresses;

/**
 * The IPC endpoint: a Unix stream socket on which each connection carries exactly one 60-byte request
 * and gets one ACK or NACK. Every connection's SO_PEERCRED is checked first; a refused peer is logged
 * and closed and the daemon keeps serving. At most {@code maxConnections} connections are served at
 * once (the accept thread waits until one ends), and a connection must deliver its request within
 * {@code receiveTimeout}. A frame that is short, oversized or malformed never reaches the firewall.
 *
 * <p>Plain JDK channels and threads rather than Netty: the daemon is idle almost always and serves one
 * short request per connection, and Netty's classes, native library and buffers alone cost more resident
 * memory than the whole budget leaves. One accept thread blocks in accept(); each connection gets a
 * worker thread (created on demand, at most {@code maxConnections}, gone after 30 s idle); the receive
 * timeout closes the channel from the shared timer, which wakes the worker blocked in read().
 */
public final class FwdServer implements AutoCloseable {
    private static final long WORKER_KEEP_ALIVE_S = 30;
    private final ScheduledExecutorService timer;
    private final PeerPolicy policy;
    private final FwdConfigs configs;
    private final LeaseBook book;
    private final int maxConnections;
    private final Duration receiveTimeout;
    private final DaemonLog log;
    private final Semaphore slots;
    private final ThreadPoolExecutor workers;
    private volatile ServerSocketChannel listener;
    private Thread acceptor;

    /**
     * @param timer   runs the receive timeouts (shared with the lease expiry timer; never blocks)
     * @param configs the running configuration; each request is decided under one snapshot of it
     */
    public FwdServer(ScheduledExecutorService timer, PeerPolicy policy, FwdConfigs configs, LeaseBook book,
            int maxConnections, Duration receiveTimeout, DaemonLog log) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("at least one connection must be allowed");
        }
        this.timer = timer;
        this.policy = policy;
        this.configs = configs;
        this.book = book;
        this.maxConnections = maxConnections;
        this.receiveTimeout = receiveTimeout;
        this.log = log;
        this.slots = new Semaphore(maxConnections);
        AtomicInteger n = new AtomicInteger();
        // the semaphore bounds the connections; the queue only bridges the moment between a worker releasing
        // its slot and going back to the pool (a SynchronousQueue would reject the next connection then)
        this.workers = new ThreadPoolExecutor(maxConnections, maxConnections, WORKER_KEEP_ALIVE_S, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "fwd-conn-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** Binds a new socket at {@code path} (the caller has cleared a stale one) and starts serving. */
    public void bind(Path path) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path), 64);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw new IOException("cannot bind " + path + ": " + e.getMessage(), e);
        }
        start(ch);
    }

    /** Serves on a listening socket inherited from systemd (blocking or not: accept runs in blocking mode). */
    public void adopt(ServerSocketChannel inherited) throws IOException {
        try {
            inherited.configureBlocking(true);
        } catch (IOException e) {
            throw new IOException("cannot use the socket passed by systemd: " + e.getMessage(), e);
        }
        start(inherited);
    }

    private void start(ServerSocketChannel ch) {
        listener = ch;
        acceptor = new Thread(this::acceptLoop, "fwd-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        ServerSocketChannel l = listener;
        while (l.isOpen()) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            SocketChannel ch;
            try {
                ch = l.accept();
            } catch (ClosedChannelException e) {
                slots.release();
                return; // close(): AsynchronousCloseException is a ClosedChannelException
            } catch (IOException | RuntimeException e) {
                slots.release();
                log.warn("accept failed (still serving): " + e.getMessage());
                pause(); // e.g. EMFILE: do not spin
                continue;
            }
            try {
                workers.execute(() -> {
                    try {
                        serve(ch);
                    } finally {
                        closeQuietly(ch);
                        slots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                closeQuietly(ch); // shutting down
                slots.release();
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting; requests in progress get up to a second to finish. Idempotent. */
    @Override
    public void close() {
        ServerSocketChannel l = listener;
        if (l != null) {
            closeQuietly(l);
        }
        if (acceptor != null) {
            try {
                acceptor.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing is best effort; nothing else to do with this connection
        }
    }

    /** One connection: peer check, one frame, one answer. */
    private void serve(SocketChannel ch) {
        UnixDomainPrincipal cred;
        try {
            cred = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | RuntimeException e) {
            log.warn("peer refused: cannot read SO_PEERCRED: " + e.getMessage());
            return;
        }
        String peer = "uid=" + cred.user().getName() + " gid=" + cred.group().getName();
        if (!policy.allows(cred)) {
            log.warn("peer refused " + peer + ": only " + policy + " may use letmeinfwd");
            return;
        }
        ByteBuffer frame = ByteBuffer.allocate(FwdCodec.SIZE + 1);
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicInteger received = new AtomicInteger();
        ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(() -> {
                timedOut.set(true);
                // logged before the close, so the line is there when the peer sees the connection end
                log.warn("request refused " + peer + ": no complete request within " + receiveTimeout.toMillis()
                        + " ms (" + received.get() + " bytes), connection closed, nothing changed");
                closeQuietly(ch);
            }, receiveTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return; // shutting down
        }
        try {
            while (frame.position() < FwdCodec.SIZE) {
                if (ch.read(frame) < 0) {
                    break;
                }
                received.set(frame.position());
            }
        } catch (AsynchronousCloseException e) {
            return; // the receive timeout closed it (and logged why)
        } catch (IOException e) {
            deadline.cancel(false);
            log.warn("connection error " + peer + ": " + e.getMessage());
            return;
        }
        deadline.cancel(false);
        if (timedOut.get()) {
            return; // the deadline closed the channel (and logged) just as the read ended: it cannot be answered
        }
        if (frame.position() < FwdCodec.SIZE) {
            log.warn("request refused " + peer + ": connection closed after " + frame.position() + " of "
                    + FwdCodec.SIZE + " bytes, nothing changed");
            return;
        }
        if (frame.position() > FwdCodec.SIZE) {
            nack(ch, peer, "oversized frame (more than " + FwdCodec.SIZE + " bytes)");
            return;
        }
        reply(ch, peer, handle(frame.array(), peer));
    }

    private FwdMessage handle(byte[] buffer, String peer) {
        byte[] bytes = java.util.Arrays.copyOf(buffer, FwdCodec.SIZE);
        FwdMessage message;
        try {
            message = FwdCodec.decode(bytes);
        } catch (FwdProtocolException e) {
            return refused(peer, "malformed frame: " + e.getMessage());
        }
        FwdConfigs.Checked checked = configs.check(message);
        RequestCheck.Verdict verdict = checked.verdict();
        if (verdict instanceof RequestCheck.Refuse r) {
            return refused(peer, r.reason());
        }
        RequestCheck.Accept a = (RequestCheck.Accept) verdict;
        FwdMessage.Request req = a.request();
        boolean install = req instanceof FwdMessage.Install;
        String what = (install ? "install" : "revoke") + " user=" + req.user() + " resource=" + req.resource()
                + " addr=" + Addresses.text(req.address());
        try {
            CompletableFuture<Void> done = install ? book.install(req.user(), a.resource(), req.address(), checked.by().limits())
                    : book.revoke(req.user(), a.resource(), req.address());
            done.get();
            return new FwdMessage.Ack();
        } catch (ExecutionException e) {
            return refused(peer, what + " failed: " + LeaseBook.cause(e.getCause()).getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refused(peer, what + " interrupted: letmeinfwd is stopping");
        } catch (RuntimeException e) {
            return refused(peer, what + " failed: " + LeaseBook.cause(e).getMessage());
        }
    }

    private FwdMessage refused(String peer, String reason) {
        log.warn("request refused " + peer + ": " + reason);
        return new FwdMessage.Nack();
    }

    private void nack(SocketChannel ch, String peer, String reason) {
        reply(ch, peer, refused(peer, reason));
    }

    private void reply(SocketChannel ch, String peer, FwdMessage m) {
        ByteBuffer out = ByteBuffer.wrap(FwdCodec.encode(m));
        try {
            while (out.hasRemaining()) {
                ch.write(out);
            }
        } catch (IOException e) {
            log.warn("cannot send the answer to " + peer + ": " + e.getMessage());
        }
    }
}
