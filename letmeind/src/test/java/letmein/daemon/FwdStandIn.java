package letmein.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import letmein.proto.fwd.FwdCodec;
import letmein.proto.fwd.FwdMessage;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/**
 * A stand-in for letmeinfwd on {@code <rundir>/letmeinfwd/letmeinfwd.sock}: it records each request and
 * answers ACK, NACK, or nothing. A stand-in because these tests are about letmeind's protocol and
 * limits, not the firewall; the real letmeinfwd is exercised by the end-to-end namespace lab.
 */
final class FwdStandIn implements AutoCloseable {
    enum Mode { ACK, NACK, SILENT }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final List<FwdMessage> requests = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> held = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.ACK;
    private volatile CountDownLatch release = new CountDownLatch(0);

    FwdStandIn(Path rundir) throws IOException {
        Path dir = rundir.resolve("letmeinfwd");
        Files.createDirectories(dir);
        socket = dir.resolve("letmeinfwd.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(this::serve, "fwd-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    void mode(Mode m) {
        mode = m;
    }

    /** In SILENT mode, hold replies until {@link #releaseHeld} (then answer ACK). */
    void holdThenAck() {
        release = new CountDownLatch(1);
        mode = Mode.ACK;
    }

    void releaseHeld() {
        release.countDown();
    }

    List<FwdMessage> requests() {
        return requests;
    }

    private void serve() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread t = new Thread(() -> handle(c), "fwd-stand-in-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(SocketChannel c) {
        try (c) {
            ByteBuffer in = ByteBuffer.allocate(FwdCodec.SIZE);
            while (in.hasRemaining()) {
                if (c.read(in) < 0) {
                    return;
                }
            }
            requests.add(FwdCodec.decode(in.array()));
            Mode m = mode;
            if (m == Mode.SILENT) {
                held.add(c);
                c.read(ByteBuffer.allocate(1)); // until letmeind gives up and closes
                return;
            }
            release.await(30, TimeUnit.SECONDS);
            FwdMessage reply = m == Mode.ACK ? new FwdMessage.Ack() : new FwdMessage.Nack();
            ByteBuffer out = ByteBuffer.wrap(FwdCodec.encode(reply));
            while (out.hasRemaining()) {
                c.write(out);
            }
        } catch (Exception e) {
            // the peer went away; nothing to record
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel c : held) {
            c.close();
        }
        release.countDown();
        Files.deleteIfExists(socket);
    }
}
