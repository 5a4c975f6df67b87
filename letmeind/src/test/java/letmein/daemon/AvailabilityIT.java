package letmein.daemon;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import org.junit.jupiter.api.Test;

/**
 * An attacker without a key against letmeind, in-process on loopback: the whole 127.0.0.0/8 is local,
 * so 100 "spoofed" sources are 100 real addresses here (the namespace lab repeats this with raw sockets
 * from another host). Nothing such a peer sends may cost a legitimate knock its session, nor fill the log.
 */
class AvailabilityIT {
    private static List<DatagramSocket> sources(int n) throws Exception {
        List<DatagramSocket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.1." + (i + 1)), 0)));
        }
        return out;
    }

    /** Sends {@code frame} from every source in turn at about {@code perSecond}, until {@code stop}. */
    private static Thread flood(List<DatagramSocket> from, byte[] frame, int port, int perSecond, AtomicBoolean stop,
            AtomicLong sent, long max) {
        Thread t = new Thread(() -> {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            long gapNanos = 1_000_000_000L / perSecond;
            long next = System.nanoTime();
            int i = 0;
            try {
                while (!stop.get() && sent.get() < max) {
                    from.get(i++ % from.size()).send(new DatagramPacket(frame, frame.length, to));
                    sent.incrementAndGet();
                    next += gapNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (Exception e) {
                // sockets closed at the end of the test
            }
        }, "flood");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aCapturedKnockReplayedFrom100SourcesStarvesNoLegitimateKnock() throws Exception {
        // few session slots, long control-timeout: before computed challenges, each replayed KNOCK held a slot
        try (Harness h = new Harness(config(ErrorPolicy.BASIC_AUTH, Duration.ofSeconds(10), true, true), 8, 8,
                Duration.ofSeconds(2))) {
            byte[] captured = FrameCodec.encode(knock(KEY, USER, PORT42));
            List<DatagramSocket> spoofed = sources(100);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            Thread t = flood(spoofed, captured, h.udpPort(), 3000, stop, sent, 60_000);
            try {
                Thread.sleep(300);
                int ok = 0;
                for (int i = 0; i < 20; i++) {
                    for (boolean udp : new boolean[] {true, false}) {
                        try (DaemonIT.Conn c = udp ? DaemonIT.udpConn(h, Harness.V4) : DaemonIT.tcpConn(h, Harness.V6)) {
                            c.send(knock(KEY, USER, PORT42));
                            Message ch = c.receive(true).orElseThrow();
                            c.send(response(KEY, ch));
                            if (c.receive(true).orElseThrow().operation() == Operation.COMEIN) {
                                ok++;
                            }
                        }
                    }
                }
                assertThat(ok).as("legitimate knocks (20 UDP, 20 TCP) during %d replayed KNOCKs", sent.get()).isEqualTo(40);
                assertThat(sent.get()).as("the flood ran").isGreaterThan(500);
                assertThat(h.server.udpSessions()).as("replays hold no session").isZero();
            } finally {
                stop.set(true);
                t.join(2000);
                spoofed.forEach(DatagramSocket::close);
            }
            assertThat(h.fwd.requests()).as("only the legitimate knocks reached letmeinfwd").hasSize(40);
        }
    }

    @Test
    void decodableJunkFrom100SourcesWritesAtMost20LogLines() throws Exception {
        try (Harness h = new Harness(config(ErrorPolicy.BASIC_AUTH))) {
            List<DatagramSocket> spoofed = sources(100);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), h.udpPort());
            try {
                for (int i = 0; i < 2000; i++) {
                    // every datagram different: unknown users, bad MACs, unexpected operations
                    Message m = switch (i % 3) {
                        case 0 -> knock(KEY, UNKNOWN_USER, PORT42);
                        case 1 -> knock(OTHER_KEY, USER, PORT42);
                        default -> MESSAGES.response(KEY, USER, PORT42, new byte[32]);
                    };
                    byte[] b = FrameCodec.encode(m);
                    spoofed.get(i % 100).send(new DatagramPacket(b, b.length, to));
                    if (i % 200 == 199) {
                        Thread.sleep(20);
                    }
                }
            } finally {
                spoofed.forEach(DatagramSocket::close);
            }
            Thread.sleep(500);
            h.server.close(); // ends the current log window: its summary line is written
            assertThat(h.log).as("log lines for 2000 unauthenticated datagrams: %s", h.log).hasSizeLessThanOrEqualTo(20);
            assertThat(h.log).anyMatch(l -> l.contains("result=suppressed") && l.contains("not logged one by one"));
        }
    }

    @Test
    void oneMistypedUdpKnockWritesExactlyOneLine() throws Exception {
        try (Harness h = new Harness(config(ErrorPolicy.BASIC_AUTH))) {
            byte[] wrongKey = FrameCodec.encode(knock(OTHER_KEY, USER, PORT42));
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), h.udpPort());
            // the client sends one KNOCK and resends the same bytes from fresh sockets while no answer comes
            for (int attempt = 0; attempt < 8; attempt++) {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                    s.send(new DatagramPacket(wrongKey, wrongKey.length, to));
                    s.send(new DatagramPacket(wrongKey, wrongKey.length, to));
                }
                Thread.sleep(20);
            }
            Thread.sleep(300);
            h.server.close();
            assertThat(h.log).as("%s", h.log).hasSize(1);
            assertThat(h.log.get(0)).contains("Knock: Authentication failed").contains("127.0.0.1");
        }
    }

    @Test
    void aCapturedUdpResponseSentAgainOpensNothing() throws Exception {
        try (Harness h = new Harness(config(ErrorPolicy.ALWAYS))) {
            Message response;
            try (TestClient.Udp u = h.udp(Harness.V4, 2000)) {
                u.send(knock(KEY, USER, PORT42));
                response = response(KEY, u.receive().orElseThrow());
                u.send(response);
                assertThat(u.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
                h.awaitIdle();
                // from the same address and port (the client whose COMEIN was lost): the same reply again
                u.send(response);
                assertThat(u.receive().orElseThrow().operation()).as("the reply again").isEqualTo(Operation.COMEIN);
                h.awaitIdle();
            }
            try (TestClient.Udp other = h.udp(Harness.V4, 500)) {
                other.send(response);
                // a new session to this server, whose first message is not a KNOCK: GOAWAY under policy always
                assertThat(other.receive().map(Message::operation).orElse(null))
                        .as("the RESPONSE from another port").isIn(null, Operation.GOAWAY);
            }
            h.awaitIdle();
            assertThat(h.fwd.requests()).as("letmeinfwd asked once").hasSize(1);
        }
    }

    @Test
    void twoKnocksFromTheSameAddressAndPortInOneSlotBothGetIn() throws Exception {
        // a port-preserving NAT, or a knock then a revoke: same peer, same challenge, but a new RESPONSE
        try (Harness h = new Harness(config(ErrorPolicy.BASIC_AUTH))) {
            try (TestClient.Udp u = h.udp(Harness.V4, 2000)) {
                for (Operation op : new Operation[] {Operation.KNOCK, Operation.KNOCK, Operation.REVOKE}) {
                    u.send(op == Operation.KNOCK ? knock(KEY, USER, PORT42) : revoke(KEY, USER, PORT42));
                    Message ch = u.receive().orElseThrow();
                    u.send(response(KEY, ch));
                    assertThat(u.receive().orElseThrow().operation()).as(op.name()).isEqualTo(Operation.COMEIN);
                    h.awaitIdle();
                }
            }
            assertThat(h.fwd.requests()).hasSize(3);
        }
    }

    @Test
    void aNewKnockFromTheSamePortWhileAChallengeIsPendingStartsAFreshExchange() throws Exception {
        // a client process whose ephemeral port an earlier, abandoned attempt of another process used,
        // within the control-timeout (seen at 30% loss: the server answered GOAWAY to the new KNOCK)
        try (Harness h = new Harness(config(ErrorPolicy.BASIC_AUTH))) {
            try (TestClient.Udp u = h.udp(Harness.V4, 2000)) {
                u.send(knock(KEY, USER, PORT42));
                assertThat(u.receive().orElseThrow().operation()).isEqualTo(Operation.CHALLENGE); // never answered
                u.send(knock(KEY, USER, PORT42)); // a new KNOCK: new bytes
                Message ch = u.receive().orElseThrow();
                assertThat(ch.operation()).as("the new KNOCK gets its own CHALLENGE").isEqualTo(Operation.CHALLENGE);
                u.send(response(KEY, ch));
                assertThat(u.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
                h.awaitIdle();
            }
            assertThat(h.fwd.requests()).hasSize(1);
        }
    }

    @Test
    void idleTcpConnectionsFrom40AddressesDoNotKeepALegitimateKnockOut() throws Exception {
        try (Harness h = new Harness(config(ErrorPolicy.BASIC_AUTH, Duration.ofSeconds(10), true, true), 64, 8,
                Duration.ofSeconds(2))) {
            List<java.net.Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 600; i++) {
                    java.net.Socket s = new java.net.Socket();
                    s.bind(new InetSocketAddress(InetAddress.getByName("127.0.2." + (i % 40 + 1)), 0));
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), h.tcpPort()), 2000);
                    idle.add(s);
                }
                Thread.sleep(200);
                for (int i = 0; i < 5; i++) {
                    for (boolean udp : new boolean[] {false, true}) {
                        try (DaemonIT.Conn c = udp ? DaemonIT.udpConn(h, Harness.V4) : DaemonIT.tcpConn(h,
                                i % 2 == 0 ? Harness.V4 : Harness.V6)) {
                            c.send(knock(KEY, USER, PORT42));
                            Message ch = c.receive(true).orElseThrow();
                            c.send(response(KEY, ch));
                            assertThat(c.receive(true).orElseThrow().operation()).isEqualTo(Operation.COMEIN);
                        }
                    }
                }
            } finally {
                for (java.net.Socket s : idle) {
                    s.close();
                }
            }
            assertThat(h.fwd.requests()).hasSize(10);
        }
    }
}
