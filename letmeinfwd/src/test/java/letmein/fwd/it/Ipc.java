package letmein.fwd.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.fwd.FwdCodec;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/** A test client of the letmeinfwd socket: one frame per connection, as letmeind does. */
final class Ipc {
    private Ipc() {
    }

    /** Sends {@code frame}, returns whatever comes back before the daemon closes (bounded 20 s). */
    static byte[] exchange(Path socket, byte[] frame) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(frame);
            try {
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                if (frame.length < FwdCodec.SIZE) {
                    ch.shutdownOutput(); // a short frame: tell the daemon no more is coming
                }
            } catch (IOException e) {
                // the daemon closed early (e.g. an oversized frame); what it sent is still readable
            }
            return readUntilClose(ch, 20_000);
        }
    }

    /** Connects, sends {@code partial} and closes without waiting. */
    static void sendAndClose(Path socket, byte[] partial) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(partial));
        }
    }

    static byte[] readUntilClose(SocketChannel ch, long timeoutMs) throws IOException {
        ch.configureBlocking(false);
        ByteBuffer in = ByteBuffer.allocate(4096);
        long end = System.currentTimeMillis() + timeoutMs;
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            while (true) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IOException("no close from letmeinfwd within " + timeoutMs + " ms");
                }
                sel.select(left);
                sel.selectedKeys().clear();
                int n;
                try {
                    n = ch.read(in);
                } catch (IOException e) {
                    n = -1; // reset by peer counts as closed
                }
                if (n < 0) {
                    return Arrays.copyOf(in.array(), in.position());
                }
            }
        }
    }

    static FwdMessage install(Path socket, int user, int resource, InetAddress addr, ConfigChecksum cs)
            throws Exception {
        return reply(exchange(socket, FwdCodec.encode(new FwdMessage.Install(new UserId(user), new ResourceId(resource),
                addr, cs))));
    }

    static FwdMessage revoke(Path socket, int user, int resource, InetAddress addr, ConfigChecksum cs)
            throws Exception {
        return reply(exchange(socket, FwdCodec.encode(new FwdMessage.Revoke(new UserId(user), new ResourceId(resource),
                addr, cs))));
    }

    static FwdMessage reply(byte[] bytes) throws Exception {
        if (bytes.length != FwdCodec.SIZE) {
            throw new AssertionError("reply has " + bytes.length + " bytes");
        }
        return FwdCodec.decode(bytes);
    }
}
