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

    /** Datagrams: client to server recorded and forwarded; replies passed back; ends after 20 s idle. */
    private static void udp(int listen, InetSocketAddress server, Path capture, Path ready) throws Exception {
        try (DatagramSocket local = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen));
             DatagramSocket upstream = new DatagramSocket()) {
            upstream.connect(server);
            Files.writeString(ready, "ready\n");
            SocketAddress[] clientAddr = new SocketAddress[1];
            Thread down = new Thread(() -> {
                byte[] buf = new byte[2048];
                try {
                    upstream.setSoTimeout(20_000);
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        upstream.receive(p);
                        SocketAddress to;
                        synchronized (clientAddr) {
                            to = clientAddr[0];
                        }
                        if (to != null) {
                            local.send(new DatagramPacket(p.getData(), p.getLength(), to));
                        }
                    }
                } catch (SocketTimeoutException idle) {
                    // done
                } catch (IOException e) {
                    System.err.println("relay: " + e.getMessage());
                }
            }, "server-to-client");
            down.setDaemon(true);
            down.start();
            local.setSoTimeout(20_000);
            byte[] buf = new byte[2048];
            int datagrams = 0;
            try {
                while (datagrams < 2) { // a knock exchange: KNOCK and RESPONSE
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    local.receive(p);
                    synchronized (clientAddr) {
                        clientAddr[0] = p.getSocketAddress();
                    }
                    Files.write(capture, Arrays.copyOf(p.getData(), p.getLength()), StandardOpenOption.APPEND);
                    upstream.send(new DatagramPacket(p.getData(), p.getLength()));
                    datagrams++;
                }
            } catch (SocketTimeoutException idle) {
                // fewer datagrams than expected; the test looks at the capture size
            }
            down.join(5_000); // let the last reply (COMEIN) through
        }
        System.out.println("captured " + Files.size(capture) + " bytes");
    }
}
