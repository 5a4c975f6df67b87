package letmein.daemon;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/**
 * letmeind over loopback (TCP and UDP, IPv4 and IPv6) against the letmeinfwd stand-in: happy paths,
 * replay, the full error-policy matrix, garbage, timeouts, limits and the UDP dispatcher caps.
 */
class DaemonIT {

    /** A test connection over either transport; receive() is empty on EOF (TCP) or silence (UDP). */
    interface Conn extends AutoCloseable {
        void send(Message m) throws IOException;

        Optional<Message> receive(boolean expectReply) throws IOException, ProtocolException;

        @Override
        void close() throws IOException;
    }

    static Conn tcpConn(Harness h, InetAddress to) throws IOException {
        TestClient.Tcp c = h.tcp(to);
        return new Conn() {
            public void send(Message m) throws IOException {
                c.send(m);
            }

            public Optional<Message> receive(boolean expectReply) throws IOException, ProtocolException {
                return c.receive();
            }

            public void close() throws IOException {
                c.close();
            }
        };
    }

    static Conn udpConn(Harness h, InetAddress to) throws IOException {
        TestClient.Udp c = h.udp(to, 400);
        return new Conn() {
            public void send(Message m) throws IOException {
                c.send(m);
            }

            public Optional<Message> receive(boolean expectReply) throws IOException, ProtocolException {
                c.socket.setSoTimeout(expectReply ? 4000 : 400);
                return c.receive();
            }

            public void close() {
                c.close();
            }
        };
    }

    // ---------------------------------------------------------------- happy paths

    @Test
    void knockAndRevokeOverTcpAndUdpFromIpv4AndIpv6() throws Exception {
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.BASIC_AUTH))) {
            int expectedRequests = 0;
            for (boolean udp : new boolean[] {false, true}) {
                for (InetAddress to : List.of(Harness.V4, Harness.V6)) {
                    for (Operation op : List.of(Operation.KNOCK, Operation.REVOKE)) {
                        try (Conn c = udp ? udpConn(h, to) : tcpConn(h, to)) {
                            Message open = TestClient.MESSAGES.opening(op, KEY, USER, PORT42);
                            c.send(open);
                            Message ch = c.receive(true).orElseThrow();
                            assertThat(ch.operation()).isEqualTo(Operation.CHALLENGE);
                            c.send(TestClient.response(KEY, ch));
                            Message ok = c.receive(true).orElseThrow();
                            assertThat(ok.operation()).isEqualTo(Operation.COMEIN);
                            assertThat(ok.user()).isEqualTo(USER);
                            assertThat(ok.resource()).isEqualTo(PORT42);
                            if (!udp) {
                                assertThat(c.receive(false)).as("TCP closed after COMEIN").isEmpty();
                            }
                        }
                        expectedRequests++;
                        FwdMessage.Request r = (FwdMessage.Request) h.fwd.requests().get(expectedRequests - 1);
                        assertThat(r).isInstanceOf(op == Operation.KNOCK ? FwdMessage.Install.class
                                : FwdMessage.Revoke.class);
                        // the packet's source, canonical: IPv4 over the dual-stack socket arrives as 127.0.0.1
                        assertThat(r.address()).isEqualTo(to);
                        assertThat(r.address().getAddress()).hasSize(to.getAddress().length);
                        assertThat(r.user()).isEqualTo(USER);
                        assertThat(r.resource()).isEqualTo(PORT42);
                    }
                }
            }
            assertThat(h.fwd.requests()).hasSize(8);
            h.awaitIdle();
            assertThat(h.server.sources()).isZero();
            assertThat(h.log).anyMatch(l -> l.startsWith("[127.0.0.1]: Resource 87654321 successfully knocked."));
            assertThat(h.log).anyMatch(l -> l.startsWith("[::1]: Resource 87654321 successfully revoked."));
            assertThat(String.join("\n", h.log)).doesNotContain(KEY.toHex()).doesNotContain(KEY.toHex().toLowerCase());
        }
    }

    @Test
    void capturedKnockAndResponseCannotBeReplayed() throws Exception {
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.BASIC_AUTH))) {
            Message knock = TestClient.knock(KEY, USER, PORT42);
            Message response;
            try (TestClient.Tcp c = h.tcp(Harness.V4)) {
                c.send(knock);
                response = TestClient.response(KEY, c.receive().orElseThrow());
                c.send(response);
                assertThat(c.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            }
            assertThat(h.fwd.requests()).hasSize(1);
            for (boolean udp : new boolean[] {false, true}) {
                try (Conn c = udp ? udpConn(h, Harness.V4) : tcpConn(h, Harness.V4)) {
                    c.send(knock);
                    assertThat(c.receive(true).orElseThrow().operation()).isEqualTo(Operation.CHALLENGE);
                    c.send(response);
                    assertThat(c.receive(true).orElseThrow().operation()).isEqualTo(Operation.GOAWAY);
                }
            }
            h.awaitIdle();
            assertThat(h.fwd.requests()).as("no new IPC request for a replay").hasSize(1);
            assertThat(h.log).filteredOn(l -> l.contains("Response: Authentication failed")).hasSize(2);
        }
    }

    // ---------------------------------------------------------------- error-policy matrix

    enum Case {
        // expected GOAWAY under:           always basic-auth full-auth (docs/PROTOCOL.md, "Error policies")
        UNKNOWN_USER(AuthState.NOT_AUTH,            true, false, false),
        BAD_KNOCK_MAC(AuthState.NOT_AUTH,           true, false, false),
        WRONG_FIRST_OP(AuthState.NOT_AUTH,          true, false, false),
        UNKNOWN_RESOURCE(AuthState.BASIC_AUTH,      true, true, false),
        USER_NOT_ALLOWED(AuthState.BASIC_AUTH,      true, true, false),
        CONTROL_PORT_RESOURCE(AuthState.BASIC_AUTH, true, true, false),
        WRONG_SECOND_OP(AuthState.BASIC_AUTH,       true, true, false),
        RESPONSE_OTHER_RESOURCE(AuthState.BASIC_AUTH, true, true, false),
        RESPONSE_OTHER_USER(AuthState.BASIC_AUTH,   true, true, false),
        BAD_RESPONSE_MAC(AuthState.BASIC_AUTH,      true, true, false),
        FWD_NACK(AuthState.FULL_AUTH,               true, true, true),
        FWD_ABSENT(AuthState.FULL_AUTH,             true, true, true),
        FWD_TIMEOUT(AuthState.FULL_AUTH,            true, true, true);

        final AuthState state;
        private final boolean always;
        private final boolean basic;
        private final boolean full;

        Case(AuthState state, boolean always, boolean basic, boolean full) {
            this.state = state;
            this.always = always;
            this.basic = basic;
            this.full = full;
        }

        boolean goAwayUnder(ErrorPolicy p) {
            return p == ErrorPolicy.ALWAYS ? always : p == ErrorPolicy.BASIC_AUTH ? basic : full;
        }

        boolean usesFwd() {
            return state == AuthState.FULL_AUTH;
        }

        /** Runs the case up to the error; returns what the server answered last (GOAWAY or nothing). */
        Optional<Message> run(Conn c, boolean expectReply) throws Exception {
            switch (this) {
                case UNKNOWN_USER:
                    c.send(TestClient.knock(KEY, SessionFixtures.UNKNOWN_USER, PORT42));
                    return c.receive(expectReply);
                case BAD_KNOCK_MAC:
                    c.send(TestClient.knock(OTHER_KEY, USER, PORT42));
                    return c.receive(expectReply);
                case WRONG_FIRST_OP:
                    c.send(TestClient.MESSAGES.response(KEY, USER, PORT42, new byte[32]));
                    return c.receive(expectReply);
                case UNKNOWN_RESOURCE:
                    c.send(TestClient.knock(KEY, USER, SessionFixtures.UNKNOWN_RESOURCE));
                    return c.receive(expectReply);
                case USER_NOT_ALLOWED:
                    c.send(TestClient.knock(KEY, USER, RESTRICTED));
                    return c.receive(expectReply);
                case CONTROL_PORT_RESOURCE:
                    c.send(TestClient.knock(KEY, USER, CONTROL));
                    return c.receive(expectReply);
                default:
                    break;
            }
            c.send(TestClient.knock(KEY, USER, PORT42));
            Message ch = c.receive(true).orElseThrow();
            assertThat(ch.operation()).isEqualTo(Operation.CHALLENGE);
            switch (this) {
                case WRONG_SECOND_OP:
                    c.send(TestClient.revoke(KEY, USER, PORT42));
                    break;
                case RESPONSE_OTHER_RESOURCE:
                    c.send(TestClient.MESSAGES.response(KEY, USER, JUMP, ch.auth()));
                    break;
                case RESPONSE_OTHER_USER:
                    c.send(TestClient.MESSAGES.response(OTHER_KEY, OTHER_USER, PORT42, ch.auth()));
                    break;
                case BAD_RESPONSE_MAC:
                    c.send(TestClient.MESSAGES.response(OTHER_KEY, USER, PORT42, ch.auth()));
                    break;
                default:
                    c.send(TestClient.response(KEY, ch));
                    break;
            }
            return c.receive(expectReply);
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorPolicy.class)
    void errorPolicyMatrixTcp(ErrorPolicy policy) throws Exception {
        matrix(policy, false);
    }

    @ParameterizedTest
    @EnumSource(ErrorPolicy.class)
    void errorPolicyMatrixUdp(ErrorPolicy policy) throws Exception {
        matrix(policy, true);
    }

    private void matrix(ErrorPolicy policy, boolean udp) throws Exception {
        List<String> failures = new ArrayList<>();
        try (Harness h = new Harness(SessionFixtures.config(policy), 64, 8, Duration.ofSeconds(1))) {
            for (Case c : Case.values()) {
                h.fwd.mode(c == Case.FWD_NACK ? FwdStandIn.Mode.NACK
                        : c == Case.FWD_TIMEOUT ? FwdStandIn.Mode.SILENT : FwdStandIn.Mode.ACK);
                Path sock = h.rundir.resolve("letmeinfwd/letmeinfwd.sock");
                Path moved = h.rundir.resolve("letmeinfwd/moved.sock");
                if (c == Case.FWD_ABSENT) {
                    Files.move(sock, moved);
                }
                int before = h.fwd.requests().size();
                boolean expectGoAway = c.goAwayUnder(policy);
                Optional<Message> reply;
                try (Conn conn = udp ? udpConn(h, Harness.V4) : tcpConn(h, Harness.V6)) {
                    reply = c.run(conn, expectGoAway);
                } finally {
                    if (c == Case.FWD_ABSENT) {
                        Files.move(moved, sock);
                    }
                }
                String what = policy + "/" + (udp ? "UDP" : "TCP") + "/" + c;
                if (expectGoAway != reply.isPresent()
                        || reply.isPresent() && reply.get().operation() != Operation.GOAWAY) {
                    failures.add(what + ": expected " + (expectGoAway ? "GOAWAY" : "silence") + ", got " + reply);
                }
                if (reply.isPresent() && c == Case.WRONG_FIRST_OP
                        && !(reply.get().user().equals(Message.UNKNOWN_USER)
                        && reply.get().resource().equals(Message.UNKNOWN_RESOURCE))) {
                    failures.add(what + ": GOAWAY must carry FFFFFFFF ids, got " + reply.get());
                }
                if (reply.isPresent() && c.state != AuthState.NOT_AUTH
                        && !(reply.get().user().equals(USER) && reply.get().resource().equals(
                        c == Case.UNKNOWN_RESOURCE ? SessionFixtures.UNKNOWN_RESOURCE : c == Case.USER_NOT_ALLOWED ? RESTRICTED
                                : c == Case.CONTROL_PORT_RESOURCE ? CONTROL : PORT42))) {
                    failures.add(what + ": GOAWAY must carry the session's ids, got " + reply.get());
                }
                h.awaitIdle();
                int newRequests = h.fwd.requests().size() - before;
                int expectedRequests = c.usesFwd() && c != Case.FWD_ABSENT ? 1 : 0;
                if (newRequests != expectedRequests) {
                    failures.add(what + ": " + newRequests + " IPC requests, expected " + expectedRequests);
                }
            }
            assertThat(h.server.sessions()).isZero();
            assertThat(h.log).anyMatch(l -> l.contains("letmeinfwd firewall: The firewall rejected the request"));
            assertThat(h.log).anyMatch(l -> l.contains("letmeinfwd firewall: cannot connect to letmeinfwd"));
            assertThat(h.log).anyMatch(l -> l.contains("letmeinfwd firewall: timed out"));
        }
        assertThat(failures).isEmpty();
    }

    // ---------------------------------------------------------------- garbage

    @Test
    void garbageIsNeverAnsweredAndNeverBreaksTheServer() throws Exception {
        Random rnd = new Random(42);
        List<byte[]> frames = new ArrayList<>();
        byte[] badMagic = FrameCodec.encode(TestClient.knock(KEY, USER, PORT42));
        badMagic[0] ^= 1;
        frames.add(badMagic);
        byte[] badOp = FrameCodec.encode(TestClient.knock(KEY, USER, PORT42));
        ByteBuffer.wrap(badOp).putInt(4, 6);
        frames.add(badOp);
        byte[] hugeOp = badOp.clone();
        ByteBuffer.wrap(hugeOp).putInt(4, -1);
        frames.add(hugeOp);
        for (int i = 0; i < 20; i++) {
            byte[] r = new byte[Message.SIZE];
            rnd.nextBytes(r);
            frames.add(r);
        }
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.ALWAYS))) {
            for (byte[] f : frames) {
                try (TestClient.Tcp c = h.tcp(Harness.V4)) {
                    c.sendRaw(f);
                    assertThat(c.receive()).as("TCP garbage: closed without a reply").isEmpty();
                }
                try (TestClient.Udp u = h.udp(Harness.V6, 150)) {
                    u.sendRaw(f);
                    assertThat(u.receive()).as("UDP garbage: silence").isEmpty();
                }
            }
            for (int size : new int[] {0, 1, 10, 55, 57, 112, 1000}) {
                byte[] b = new byte[size];
                rnd.nextBytes(b);
                try (TestClient.Udp u = h.udp(Harness.V4, 150)) {
                    u.sendRaw(b);
                    assertThat(u.receive()).as("UDP wrong size %d: silence", size).isEmpty();
                }
            }
            // a partial TCP frame is not a message: nothing until the control-timeout closes it
            try (TestClient.Tcp c = new TestClient.Tcp(Harness.V4, h.tcpPort(), null, 500)) {
                c.sendRaw(new byte[10]);
                assertThat(c.closedByServer()).isFalse();
            }
            h.awaitIdle();
            assertThat(h.server.udpSessions()).isZero();
            // the server still works
            try (TestClient.Tcp c = h.tcp(Harness.V4)) {
                c.send(TestClient.knock(KEY, USER, PORT42));
                Message ch = c.receive().orElseThrow();
                c.send(TestClient.response(KEY, ch));
                assertThat(c.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            }
            assertThat(h.fwd.requests()).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- timeouts

    @Test
    void stalledClientsAreDroppedAfterControlTimeoutAndTheirPermitsReturned() throws Exception {
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.ALWAYS, Duration.ofMillis(800), true, true),
                2, 2, Duration.ofSeconds(2))) {
            try (TestClient.Tcp silent = new TestClient.Tcp(Harness.V4, h.tcpPort(), null, 5000);
                 TestClient.Tcp stalled = new TestClient.Tcp(Harness.V4, h.tcpPort(), null, 5000)) {
                stalled.send(TestClient.knock(KEY, USER, PORT42));
                assertThat(stalled.receive().orElseThrow().operation()).isEqualTo(Operation.CHALLENGE);
                assertThat(h.server.sessions()).isEqualTo(2);
                long t0 = System.nanoTime();
                assertThat(silent.closedByServer()).isTrue();
                assertThat(stalled.closedByServer()).isTrue();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("closed after about the control-timeout").isBetween(300L, 4000L);
            }
            h.awaitIdle();
            assertThat(h.server.sessions()).isZero();
            assertThat(h.log).filteredOn(l -> l.contains("RX communication with peer timed out")).hasSize(2);
            // both permits are back: two new sessions from the same source are admitted
            try (TestClient.Tcp a = h.tcp(Harness.V4); TestClient.Tcp b = h.tcp(Harness.V4)) {
                a.send(TestClient.knock(KEY, USER, PORT42));
                b.send(TestClient.knock(KEY, USER, PORT42));
                assertThat(a.receive().orElseThrow().operation()).isEqualTo(Operation.CHALLENGE);
                assertThat(b.receive().orElseThrow().operation()).isEqualTo(Operation.CHALLENGE);
            }
            // UDP: a peer that got a CHALLENGE holds no session slot, and is forgotten after the control-timeout
            try (TestClient.Udp u = h.udp(Harness.V4, 2000)) {
                h.awaitIdle();
                u.send(TestClient.knock(KEY, USER, PORT42));
                assertThat(u.receive().orElseThrow().operation()).isEqualTo(Operation.CHALLENGE);
                assertThat(h.server.udpChallenged()).isEqualTo(1);
                assertThat(h.server.sessions()).isZero();
                Thread.sleep(2200); // 800 ms control-timeout, swept every second
                assertThat(h.server.udpChallenged()).isZero();
                assertThat(h.server.sessions()).isZero();
            }
        }
    }

    // ---------------------------------------------------------------- limits

    @Test
    void perSourceAndGlobalLimitsOverTcp() throws Exception {
        InetAddress v4b = InetAddress.getByName("127.0.0.2");
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.BASIC_AUTH, Duration.ofSeconds(10), true, false),
                3, 2, Duration.ofSeconds(2))) {
            TestClient.Tcp c1 = h.tcp(Harness.V4);
            TestClient.Tcp c2 = h.tcp(Harness.V4);
            for (TestClient.Tcp c : List.of(c1, c2)) { // sessions that knocked keep their slot
                c.send(TestClient.knock(KEY, USER, PORT42));
                assertThat(c.receive().orElseThrow().operation()).isEqualTo(Operation.CHALLENGE);
            }
            try (TestClient.Tcp c3 = h.tcp(Harness.V4)) {
                assertThat(c3.closedByServer()).as("third from one IPv4 source is dropped").isTrue();
            }
            assertThat(h.log).anyMatch(l -> l.contains("Too many simultaneous connections. Dropping connection."));
            TestClient.Tcp c4 = h.tcp(Harness.V6);
            c4.send(TestClient.knock(KEY, USER, PORT42));
            assertThat(c4.receive().orElseThrow().operation()).as("another source still works")
                    .isEqualTo(Operation.CHALLENGE);
            assertThat(h.server.sessions()).isEqualTo(3);
            // all 3 sessions taken, all knocked: a fourth source waits (no answer) until a session ends
            try (TestClient.Tcp c5 = new TestClient.Tcp(Harness.V4, h.tcpPort(), v4b, 700)) {
                c5.send(TestClient.knock(KEY, USER, PORT42));
                assertThat(c5.closedByServer()).as("waits, neither answered nor dropped").isFalse();
                c1.close();
                c5.socket.setSoTimeout(5000);
                assertThat(c5.receive().orElseThrow().operation()).isEqualTo(Operation.CHALLENGE);
            }
            assertThat(h.server.evictions()).as("no session that knocked is ever taken").isZero();
            c1.close();
            c2.close();
            c4.close();
            h.awaitIdle();
            assertThat(h.server.sources()).isZero();
        }
    }

    @Test
    void ipv6SourcesShareTheLimitPer64ButUdpChallengesTakeNoSlot() throws Exception {
        // ::1 and ::ff are in the same /64; only loopback ::1 is routable here, so check via the limiter key
        assertThat(SourceLimiter.keyOf(InetAddress.getByName("::1")))
                .isEqualTo(SourceLimiter.keyOf(InetAddress.getByName("::ff")));
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.BASIC_AUTH, Duration.ofSeconds(10), false, true),
                8, 1, Duration.ofSeconds(2))) {
            try (TestClient.Udp a = h.udp(Harness.V6, 2000); TestClient.Udp b = h.udp(Harness.V6, 2000)) {
                a.send(TestClient.knock(KEY, USER, PORT42));
                Message ca = a.receive().orElseThrow();
                b.send(TestClient.knock(KEY, USER, PORT42));
                Message cb = b.receive().orElseThrow();
                assertThat(cb.operation()).as("a second peer of the same /64 is challenged too").isEqualTo(Operation.CHALLENGE);
                assertThat(h.server.sessions()).as("challenges hold no session slot").isZero();
                a.send(TestClient.response(KEY, ca));
                assertThat(a.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
                b.send(TestClient.response(KEY, cb));
                assertThat(b.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            }
        }
    }

    @Test
    void udpSessionCapCountsOnlyVerifiedSessions() throws Exception {
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.ALWAYS, Duration.ofSeconds(10), false, true),
                3, 3, Duration.ofSeconds(5))) {
            h.fwd.holdThenAck();
            List<TestClient.Udp> peers = new ArrayList<>();
            List<Message> challenges = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    TestClient.Udp u = h.udp(Harness.V4, 3000);
                    peers.add(u);
                    u.send(TestClient.knock(KEY, USER, PORT42));
                    Message ch = u.receive().orElseThrow();
                    assertThat(ch.operation()).as("peer %d is challenged whatever the cap", i).isEqualTo(Operation.CHALLENGE);
                    challenges.add(ch);
                }
                for (int i = 0; i < 3; i++) {
                    peers.get(i).send(TestClient.response(KEY, challenges.get(i)));
                }
                awaitRequests(h, 3);
                assertThat(h.server.udpSessions()).isEqualTo(3);
                peers.get(3).send(TestClient.response(KEY, challenges.get(3)));
                Thread.sleep(200);
                assertThat(h.fwd.requests()).as("the fourth verified RESPONSE finds no free slot").hasSize(3);
                h.fwd.releaseHeld();
                for (int i = 0; i < 3; i++) {
                    assertThat(peers.get(i).receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
                }
                h.awaitIdle();
                // the dropped peer knocks again (as the client does) and gets in
                TestClient.Udp fourth = peers.get(3);
                fourth.socket.setSoTimeout(300);
                assertThat(fourth.receive()).as("a dropped RESPONSE is not answered").isEmpty();
                fourth.socket.setSoTimeout(3000);
                fourth.send(TestClient.knock(KEY, USER, PORT42));
                Message again = fourth.receive().orElseThrow();
                fourth.send(TestClient.response(KEY, again));
                h.fwd.releaseHeld();
                awaitRequests(h, 4);
                h.fwd.releaseHeld();
                assertThat(fourth.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            } finally {
                peers.forEach(TestClient.Udp::close);
            }
        }
    }

    @Test
    void fifthQueuedDatagramDestroysTheUdpSession() throws Exception {
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.ALWAYS, Duration.ofSeconds(10), false, true))) {
            h.fwd.holdThenAck();
            try (TestClient.Udp u = h.udp(Harness.V4, 2000)) {
                Message knock = TestClient.knock(KEY, USER, PORT42);
                u.send(knock);
                Message ch = u.receive().orElseThrow();
                u.send(TestClient.response(KEY, ch));
                awaitRequests(h, 1); // the session now waits for letmeinfwd; datagrams queue up
                for (int i = 0; i < UdpDispatcher.QUEUE_LIMIT; i++) {
                    u.send(knock);
                }
                Thread.sleep(200);
                assertThat(h.server.udpSessions()).as("4 queued datagrams are fine").isEqualTo(1);
                u.send(knock);
                Thread.sleep(200);
                assertThat(h.server.udpSessions()).as("the 5th destroys the session").isZero();
                h.fwd.releaseHeld();
                u.socket.setSoTimeout(500);
                assertThat(u.receive()).as("a destroyed session sends nothing").isEmpty();
                h.awaitIdle();
                assertThat(h.server.sessions()).isZero();
                // the firewall did change, so the outcome is logged, without claiming a reply
                assertThat(h.log).anyMatch(l -> l.startsWith("[127.0.0.1]: Resource 87654321 successfully knocked.")
                        && l.contains("reply=none"));
            }
        }
    }

    @Test
    void retransmittedKnockGetsTheIdenticalChallenge() throws Exception {
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.BASIC_AUTH))) {
            try (TestClient.Udp u = h.udp(Harness.V4, 2000)) {
                Message knock = TestClient.knock(KEY, USER, PORT42);
                u.send(knock);
                Message c1 = u.receive().orElseThrow();
                u.send(knock); // "the CHALLENGE got lost"
                Message c2 = u.receive().orElseThrow();
                assertThat(FrameCodec.encode(c2)).isEqualTo(FrameCodec.encode(c1));
                u.send(TestClient.response(KEY, c2));
                assertThat(u.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            }
            assertThat(h.fwd.requests()).hasSize(1);
        }
    }

    private static void awaitSessions(Harness h, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (h.server.sessions() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(h.server.sessions()).isEqualTo(n);
    }

    private static void awaitRequests(Harness h, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (h.fwd.requests().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(h.fwd.requests()).hasSize(n);
    }
}
