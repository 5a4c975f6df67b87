package letmein.e2e.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;

/**
 * The eavesdropper of the replay scenario: a relay on the client's loopback that forwards one knock
 * exchange to the server and records every byte the client sent (KNOCK and RESPONSE). The client
 * knocks {@code 127.0.0.1:LISTEN}; the server sees the client host's own address, so the recorded
 * exchange is exactly what an observer on the path would have captured.
 *
 * <p>Usage: {@code RecordingRelay tcp|udp LISTEN_PORT SERVER_HOST SERVER_PORT CAPTURE_FILE READY_FILE}.
 * Handles one exchange, then exits.
 */
public final class RecordingRelay {
    private RecordingRelay() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: RecordingRelay tcp|udp LISTEN_PORT SERVER_HOST SERVER_PORT CAPTURE_FILE READY_FILE");
            System.exit(2);
        }
        int listen = Integer.parseInt(args[1]);
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[2]), Integer.parseInt(args[3]));
        Path capture = Path.of(args[4]);
        Path ready = Path.of(args[5]);
        Files.write(capture, new byte[0]);
        if (args[0].equals("tcp")) {
            tcp(listen, server, capture, ready);
        } else if (args[0].equals("udp")) {
            udp(listen, server, capture, ready);
        } else {
            System.err.println("transport must be tcp or udp, not " + args[0]);
            System.exit(2);
        }
    }

    private static void tcp(int listen, InetSocketAddress server, Path capture, Path ready) throws Exception {
        try (ServerSocket ss = new ServerSocket(listen, 1, InetAddress.getLoopbackAddress())) {
            Files.writeString(ready, "ready\n");
            try (Socket client = ss.accept(); Socket upstream = new Socket()) {
                upstream.connect(server, 5000);
                Thread down = new Thread(() -> pump(upstream, client, null), "server-to-client");
                down.start();
                pump(client, upstream, capture);
                down.join(10_000);
            }
        }
        System.out.println("captured " + Files.size(capture) + " bytes");
    }

    private static void pump(Socket from, Socket to, Path record) {
        byte[] buf = new byte[4096];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                if (record != null) {
                    Files.write(record, Arrays.copyOf(buf, n), StandardOpenOption.APPEND);
                }
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            System.err.println("relay: " + e.getMessage());
        }
    }

    /**
     * Datagrams: everything the client sends is recorded and forwarded (including retransmissions
     * the client's retry policy may send from fresh sockets), replies go back to the client's latest
     * address; done shortly after a COMEIN went back, or after 20 s without traffic.
     */
    private static void udp(int listen, InetSocketAddress server, Path capture, Path ready) throws Exception {
        try (DatagramSocket local = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen));
             DatagramSocket upstream = new DatagramSocket()) {
            upstream.connect(server);
            Files.writeString(ready, "ready\n");
            AtomicReference<SocketAddress> clientAddr = new AtomicReference<>();
            AtomicBoolean comeIn = new AtomicBoolean();
            Thread down = new Thread(() -> {
                byte[] buf = new byte[2048];
                try {
                    upstream.setSoTimeout(20_000);
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        upstream.receive(p);
                        SocketAddress to = clientAddr.get();
                        if (to != null) {
                            local.send(new DatagramPacket(p.getData(), p.getLength(), to));
                        }
                        if (isComeIn(Arrays.copyOf(p.getData(), p.getLength()))) {
                            comeIn.set(true);
                        }
                    }
                } catch (SocketTimeoutException idle) {
                    // done
                } catch (IOException e) {
                    if (!upstream.isClosed()) {
                        System.err.println("relay: " + e.getMessage());
                    }
                }
            }, "server-to-client");
            down.setDaemon(true);
            down.start();
            local.setSoTimeout(500);
            byte[] buf = new byte[2048];
            long idleSince = System.nanoTime();
            while (System.nanoTime() - idleSince < 20_000_000_000L) {
                if (comeIn.get() && System.nanoTime() - idleSince > 500_000_000L) {
                    break; // the exchange is complete and the client has gone quiet
                }
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    local.receive(p);
                } catch (SocketTimeoutException quiet) {
                    continue;
                }
                idleSince = System.nanoTime();
                clientAddr.set(p.getSocketAddress());
                Files.write(capture, Arrays.copyOf(p.getData(), p.getLength()), StandardOpenOption.APPEND);
                upstream.send(new DatagramPacket(p.getData(), p.getLength()));
            }
        }
        System.out.println("captured " + Files.size(capture) + " bytes");
    }

    private static boolean isComeIn(byte[] frame) {
        try {
            return FrameCodec.decode(frame).operation() == Operation.COMEIN;
        } catch (ProtocolException e) {
            return false;
        }
    }
}
