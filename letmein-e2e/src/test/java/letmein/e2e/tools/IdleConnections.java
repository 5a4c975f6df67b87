package letmein.e2e.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection-exhaustion attacker of the availability tests: holds {@code PER_SOURCE} TCP connections
 * to the control port from each of the given local addresses and never sends a byte on them. Whenever
 * the server closes one (first-message timeout, eviction), it opens a new one at once, so the pressure
 * stays for the whole run. One thread, non-blocking sockets.
 *
 * <p>Every second it rewrites {@code STATUS_FILE} with one line {@code open=N opened=M closed=K}
 * ({@code open}: connections established and not yet closed by the server; {@code opened}: all
 * established so far; {@code closed}: closed by the server so far); the test waits on it before
 * knocking. It stops after {@code SECONDS}.
 *
 * <p>Usage: {@code IdleConnections SERVER PORT PER_SOURCE SECONDS STATUS_FILE SOURCE...}.
 */
public final class IdleConnections {
    private IdleConnections() {
    }

    private record Slot(InetAddress source) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: IdleConnections SERVER PORT PER_SOURCE SECONDS STATUS_FILE SOURCE...");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int perSource = Integer.parseInt(args[2]);
        long end = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        Path status = Path.of(args[4]);
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            sources.add(InetAddress.getByName(args[i]));
        }
        if (perSource < 1 || perSource > 64 || sources.size() * perSource > 4096) {
            System.err.println("PER_SOURCE must be 1..64 and at most 4096 connections in all");
            System.exit(2);
        }
        long opened = 0;
        long closed = 0;
        int open = 0;
        ByteBuffer sink = ByteBuffer.allocate(512);
        try (Selector selector = Selector.open()) {
            for (InetAddress source : sources) {
                for (int i = 0; i < perSource; i++) {
                    if (connect(selector, server, new Slot(source))) {
                        opened++;
                        open++;
                    }
                }
            }
            long nextStatus = 0;
            while (System.nanoTime() < end) {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) key.channel();
                    Slot slot = (Slot) key.attachment();
                    boolean lost;
                    try {
                        if (key.isConnectable()) {
                            ch.finishConnect();
                            key.interestOps(SelectionKey.OP_READ);
                            opened++;
                            open++;
                            continue;
                        }
                        sink.clear();
                        lost = ch.read(sink) < 0; // the server said nothing we would answer anyway
                        if (lost) {
                            open--;
                        }
                    } catch (IOException e) {
                        // refused or reset: counted as closed if it had been established
                        if (key.interestOps() == SelectionKey.OP_READ) {
                            open--;
                        }
                        lost = true;
                    }
                    if (lost) {
                        closed++;
                        key.cancel();
                        ch.close();
                        if (connect(selector, server, slot)) {
                            opened++;
                            open++;
                        }
                    }
                }
                selector.selectedKeys().clear();
                if (System.nanoTime() >= nextStatus) {
                    Path tmp = status.resolveSibling(status.getFileName() + ".tmp");
                    Files.writeString(tmp, "open=" + open + " opened=" + opened + " closed=" + closed + "\n");
                    Files.move(tmp, status, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    nextStatus = System.nanoTime() + 1_000_000_000L;
                }
            }
        }
        System.out.println("open=" + open + " opened=" + opened + " closed=" + closed);
    }

    /** Opens one connection from the slot's source; true if it was established at once. */
    private static boolean connect(Selector selector, InetSocketAddress server, Slot slot) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.bind(new InetSocketAddress(slot.source(), 0));
        if (ch.connect(server)) {
            ch.register(selector, SelectionKey.OP_READ, slot);
            return true;
        }
        ch.register(selector, SelectionKey.OP_CONNECT, slot);
        return false;
    }
}
