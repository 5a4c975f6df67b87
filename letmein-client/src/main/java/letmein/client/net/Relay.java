package letmein.client.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Copies stdin to a TCP connection and the connection to stdout, for {@code ssh -o ProxyCommand}.
 * Only relayed bytes ever reach stdout. End of stdin half-closes the connection (the server still
 * sends its remaining bytes); end of the connection ends the relay, even if stdin stays open.
 */
public final class Relay {
    private static final int BUFFER = 64 * 1024;

    private Relay() {
    }

    /**
     * Runs until the server closes its side. Returns normally then; throws if the connection broke
     * (reset, I/O error), with a message for stderr.
     */
    public static void run(SocketChannel socket, InputStream in, OutputStream out, Progress progress)
            throws IOException {
        Thread upstream = new Thread(() -> copyUp(socket, in, progress), "letmein-relay-stdin");
        upstream.setDaemon(true); // a blocked stdin read must not keep the process alive
        upstream.start();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        try {
            while (true) {
                buf.clear();
                int n = socket.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf.array(), 0, n);
                out.flush();
            }
        } finally {
            out.flush();
        }
        progress.progress("Connection closed by the server; relay done.");
        socket.close(); // also ends a blocked upstream write
    }

    private static void copyUp(SocketChannel socket, InputStream in, Progress progress) {
        byte[] b = new byte[BUFFER];
        try {
            while (true) {
                int n = in.read(b);
                if (n < 0) {
                    break;
                }
                ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
                while (bb.hasRemaining()) {
                    socket.write(bb);
                }
            }
            progress.progress("End of input; half-closing the connection.");
            socket.shutdownOutput();
        } catch (IOException e) {
            if (socket.isOpen()) {
                progress.warn("relaying input to the server stopped: " + e.getMessage());
                try {
                    socket.shutdownOutput();
                } catch (IOException ignored) {
                    // the connection is already broken; the downstream side reports it
                }
            }
        }
    }
}
