package letmein.daemon;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import org.junit.jupiter.api.Test;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/**
 * A burst of 10,000 invalid datagrams against the real Netty server leaves no sessions, no limiter
 * entries and no heap growth behind. A leak test with a generous bound, not a timing test.
 */
class LeakIT {
    private static long usedHeapAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static void burst(Harness h, List<DatagramSocket> sockets, int count, Random rnd) throws Exception {
        InetSocketAddress to = new InetSocketAddress(Harness.V4, h.udpPort());
        byte[] badMagic = FrameCodec.encode(TestClient.knock(KEY, USER, PORT42));
        badMagic[1] ^= 0x40;
        byte[] unknownUser = FrameCodec.encode(TestClient.knock(KEY, SessionFixtures.UNKNOWN_USER, PORT42));
        byte[] badMac = FrameCodec.encode(TestClient.knock(OTHER_KEY, USER, PORT42));
        byte[] wrongOp = FrameCodec.encode(TestClient.MESSAGES.comeIn(USER, PORT42));
        for (int i = 0; i < count; i++) {
            byte[] b;
            switch (i % 6) {
                case 0:
                    b = new byte[1 + rnd.nextInt(200)];
                    rnd.nextBytes(b);
                    if (b.length == Message.SIZE) {
                        b = new byte[Message.SIZE + 1];
                    }
                    break;
                case 1:
                    b = new byte[Message.SIZE];
                    rnd.nextBytes(b);
                    break;
                case 2:
                    b = badMagic;
                    break;
                case 3:
                    b = unknownUser;
                    break;
                case 4:
                    b = badMac;
                    break;
                default:
                    b = wrongOp;
                    break;
            }
            sockets.get(i % sockets.size()).send(new DatagramPacket(b, b.length, to));
            if (i % 200 == 199) {
                Thread.sleep(1); // let the single-core-friendly loop breathe; rate is irrelevant here
            }
        }
    }

    @Test
    void tenThousandInvalidDatagramsLeaveHeapFlat() throws Exception {
        Random rnd = new Random(7);
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.ALWAYS))) {
            List<DatagramSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    sockets.add(new DatagramSocket(new InetSocketAddress(Harness.V4, 0)));
                }
                burst(h, sockets, 2_000, rnd); // warm-up: class loading, JIT, Netty pools
                Thread.sleep(500);
                h.awaitIdle();
                long before = usedHeapAfterGc();
                burst(h, sockets, 10_000, rnd);
                Thread.sleep(500);
                h.awaitIdle();
                long after = usedHeapAfterGc();
                long growth = after - before;
                System.out.printf("LeakIT: heap after GC before=%d KiB after=%d KiB growth=%d KiB%n",
                        before / 1024, after / 1024, growth / 1024);
                assertThat(h.server.udpSessions()).isZero();
                assertThat(h.server.sessions()).isZero();
                assertThat(h.server.sources()).isZero();
                assertThat(growth).as("heap growth after 10,000 invalid datagrams").isLessThan(4L * 1024 * 1024);
                // nothing was answered except GOAWAYs under 'always' for decodable-but-wrong messages,
                // and the server still serves a real knock
                try (TestClient.Udp u = h.udp(Harness.V4, 3000)) {
                    u.send(TestClient.knock(KEY, USER, PORT42));
                    Message ch = u.receive().orElseThrow();
                    u.send(TestClient.response(KEY, ch));
                    assertThat(u.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
                }
            } finally {
                sockets.forEach(DatagramSocket::close);
            }
        }
    }
}
