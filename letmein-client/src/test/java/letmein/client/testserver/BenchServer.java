package letmein.client.testserver;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import letmein.proto.auth.Key;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Runs {@link RefServer} (the letmeind stand-in) on 127.0.0.1 until stdin closes, for measuring the
 * whole-process start-up of {@code bin/letmein knock} from a shell. Args: USER KEYHEX RESOURCE.
 * Prints the port number on stdout.
 */
public final class BenchServer {
    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        try (RefServer s = new RefServer(Map.of(UserId.parse(args[0]), Key.parseHex(args[1])),
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
