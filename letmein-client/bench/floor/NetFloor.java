import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The JVM's floor for what `letmein knock` does on the wire (issue 16's yardstick): a program that opens
 * one TCP connection, writes 56 bytes and reads 56, and nothing else. Started by floor.sh under the
 * client's JVM flags with its own class-data-sharing archive, interleaved with the real client, so the
 * ratio client / floor says what the client costs beyond starting a JVM and using the network.
 *
 * Client mode: {@code NetFloor HOST PORT [ignored...]} (floor.sh bakes HOST and PORT into the launcher, and
 * knock-hyperfine.sh appends the client's own arguments, which the floor ignores); {@code serve} answers every
 * 56 bytes with 56 bytes on 127.0.0.1 and prints its port.
 */
public final class NetFloor {
    private NetFloor() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("serve")) {
            serve();
            return;
        }
        if (args.length < 2) {
            System.err.println("usage: NetFloor serve | NetFloor HOST PORT [ignored...]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        byte[] frame = new byte[56];
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(args[0]), port), 3000);
            OutputStream out = s.getOutputStream();
            out.write(frame);
            out.flush();
            InputStream in = s.getInputStream();
            int got = in.readNBytes(frame, 0, 56);
            if (got != 56) {
                System.err.println("NetFloor: short reply: " + got + " bytes");
                System.exit(1);
            }
        }
    }

    private static void serve() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
            System.out.println(ss.getLocalPort());
            System.out.flush();
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // run until the caller closes our stdin
                    }
                } catch (Exception e) {
                    // fall through: exit
                }
                System.exit(0);
            });
            stdin.setDaemon(true);
            stdin.start();
            while (true) {
                try (Socket c = ss.accept()) {
                    byte[] b = c.getInputStream().readNBytes(56);
                    c.getOutputStream().write(b.length == 56 ? b : new byte[56]);
                }
            }
        }
    }
}
