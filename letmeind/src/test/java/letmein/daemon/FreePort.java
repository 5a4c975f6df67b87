package letmein.daemon;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port number free for both TCP and UDP on {@code ::} now, for tests that start the real daemon. */
final class FreePort {
    private FreePort() {
    }

    static int tcpAndUdp() throws Exception {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::"));
                 DatagramSocket d = new DatagramSocket(s.getLocalPort(), InetAddress.getByName("::"))) {
                return s.getLocalPort();
            } catch (java.net.BindException e) {
                // UDP side taken: try another
            }
        }
        throw new IllegalStateException("no free TCP+UDP port");
    }
}
