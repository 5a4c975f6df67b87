package letmein.client.testserver;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import letmein.client.cds.LoopbackServer;
import letmein.proto.auth.Key;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Runs a {@link LoopbackServer} (the real server-side session, no firewall) on 127.0.0.1 until stdin
 * closes, for measuring the whole-process start-up of {@code bin/letmein knock} from a shell
 * ({@code letmein-client/bench/knock-bench.py}). Args: USER KEYHEX RESOURCE. Prints the port number on stdout.
 */
public final class BenchServer {
    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        try (LoopbackServer s = new LoopbackServer(Map.of(UserId.parse(args[0]), Key.parseHex(args[1])),
                Set.of(ResourceId.parse(args[2])))) {
            System.out.println(s.start(InetAddress.getLoopbackAddress(), true, true));
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the caller closes our stdin
            }
            System.err.println("bench server: knocks=" + s.knocks());
        }
    }
}
