package letmein.client.testserver;

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
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import letmein.proto.auth.Authenticator;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * A stand-in for letmeind in the client's tests (the real daemon lives in another module and needs
 * letmeinfwd): plain java.net, the protocol state machine of upstream-behaviour §1.4 built on
 * letmein-proto's {@link Messages} and {@link Authenticator}, plus knobs to misbehave (silence,
 * GOAWAY, garbage replies, dropped and lost datagrams). "Opening the firewall" is a callback.
 */
public final class RefServer implements AutoCloseable {
    /** What the server does with a request. */
    public enum Mode {
        /** Follow the protocol; errors get GOAWAY (policy {@code always}). */
        NORMAL,
        /** Follow the protocol; errors are silent (TCP: close; policy {@code basic-auth} for a bad key). */
        STEALTH,
        /** Never answer; TCP connections stay open until the client gives up. */
        SILENT,
        /** Answer the first message with a frame whose magic is wrong. */
        BAD_MAGIC,
        /** Answer the first message with 20 bytes (TCP: then close). */
        SHORT_REPLY,
        /** Always answer GOAWAY. */
        GOAWAY,
        /** Follow the protocol, but name another user and resource in CHALLENGE and COMEIN. */
        MISMATCH
    }

    private final Map<UserId, Key> keys;
    private final Set<ResourceId> resources;
    private final Messages messages = new Messages(new SecureRandomness());
    private final List<Thread> threads = new ArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private ServerSocket tcp;
    private final List<ServerSocket> moreTcp = new CopyOnWriteArrayList<>();
    private DatagramSocket udp;
    private volatile Mode mode = Mode.NORMAL;
    private volatile BiConsumer<Operation, InetAddress> onSuccess = (op, a) -> { };
    private final AtomicInteger knocks = new AtomicInteger();
    private final AtomicInteger revokes = new AtomicInteger();
    private final AtomicInteger udpSessions = new AtomicInteger();
    private final AtomicInteger dropFirstKnocks = new AtomicInteger();
    private final AtomicInteger restartedSessions = new AtomicInteger();
    private volatile boolean restartStaleSessions;
    private double lossIn;
    private double lossOut;
    private final Random lossRandom = new Random(20261123L);

    public RefServer(Map<UserId, Key> keys, Set<ResourceId> resources) {
        this.keys = Map.copyOf(keys);
        this.resources = Set.copyOf(resources);
    }

    /** Listens on {@code address}, TCP and/or UDP on one (ephemeral) port number; returns the port. */
    public int start(InetAddress address, boolean withTcp, boolean withUdp) throws IOException {
        for (int tries = 0; ; tries++) {
            ServerSocket t = null;
            DatagramSocket u = null;
            try {
                if (withTcp) {
                    t = new ServerSocket();
                    t.bind(new InetSocketAddress(address, 0));
                }
                int port = t != null ? t.getLocalPort() : 0;
                if (withUdp) {
                    u = new DatagramSocket(null);
                    u.bind(new InetSocketAddress(address, port));
                }
                tcp = t;
                udp = u;
                break;
            } catch (SocketException e) {
                if (t != null) {
                    t.close();
                }
                if (u != null) {
                    u.close();
                }
                if (tries > 20) {
                    throw e;
                }
            }
        }
        if (tcp != null) {
            ServerSocket t = tcp;
            spawn("ref-tcp-accept", () -> acceptLoop(t));
        }
        if (udp != null) {
            spawn("ref-udp", this::udpLoop);
        }
        return tcp != null ? tcp.getLocalPort() : udp.getLocalPort();
    }

    /** Also serves TCP on {@code address} with the port number of {@link #start}. */
    public void alsoTcp(InetAddress address) throws IOException {
        ServerSocket extra = new ServerSocket();
        extra.bind(new InetSocketAddress(address, tcp.getLocalPort()));
        moreTcp.add(extra);
        spawn("ref-tcp-accept2", () -> acceptLoop(extra));
    }

    public RefServer mode(Mode m) {
        this.mode = m;
        return this;
    }

    public RefServer onSuccess(BiConsumer<Operation, InetAddress> hook) {
        this.onSuccess = hook;
        return this;
    }

    /** UDP: silently ignore the first {@code n} KNOCK/REVOKE datagrams. */
    public RefServer dropFirstKnocks(int n) {
        dropFirstKnocks.set(n);
        return this;
    }

    /** UDP: drop each received and each sent datagram with these probabilities (seeded, repeatable). */
    public synchronized RefServer loss(double in, double out) {
        this.lossIn = in;
        this.lossOut = out;
        return this;
    }

    /**
     * UDP: a KNOCK/REVOKE that is not a retransmission, arriving in a session still waiting for its
     * RESPONSE, starts a new session instead of ending the old one with GOAWAY. Only for the loss
     * measurement: hundreds of knocks from 127.0.0.1 within seconds make the kernel hand out a source
     * port whose earlier session (RESPONSE lost) is still open, which real clients almost never meet.
     */
    public RefServer restartStaleSessions() {
        this.restartStaleSessions = true;
        return this;
    }

    public int restartedSessions() {
        return restartedSessions.get();
    }

    public int knocks() {
        return knocks.get();
    }

    public int revokes() {
        return revokes.get();
    }

    public int udpSessions() {
        return udpSessions.get();
    }

    private void spawn(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    // ------------------------------------------------------------------ protocol (shared)

    /** Session state of §1.4; one per TCP connection or UDP peer address:port. */
    private final class Session {
        UserId user;
        ResourceId resource;
        Operation opening;
        byte[] openingFrame;
        Message challenge;
        boolean done;

        /** The reply to {@code frame}, or null for silence; sets {@link #done} when the session ends. */
        byte[] handle(byte[] frame, InetAddress peer) {
            Mode m = mode;
            if (m == Mode.SILENT) {
                return null;
            }
            if (m == Mode.BAD_MAGIC) {
                done = true;
                byte[] b = FrameCodec.encode(messages.goAway(Message.UNKNOWN_USER, Message.UNKNOWN_RESOURCE));
                b[0] = 0x12;
                return b;
            }
            if (m == Mode.SHORT_REPLY) {
                done = true;
                return new byte[20];
            }
            if (m == Mode.GOAWAY) {
                done = true;
                return FrameCodec.encode(messages.goAway(Message.UNKNOWN_USER, Message.UNKNOWN_RESOURCE));
            }
            Message msg;
            try {
                msg = FrameCodec.decode(frame);
            } catch (ProtocolException e) {
                done = true;
                return null; // never answered under any policy
            }
            if (challenge == null) {
                if (openingFrame != null) {
                    // A byte-identical retransmission gets the same CHALLENGE (spec README §2.7).
                    return Arrays.equals(frame, openingFrame) ? FrameCodec.encode(challenge) : error(true);
                }
                if (!msg.operation().opensSession()) {
                    return error(false);
                }
                user = msg.user();
                resource = msg.resource();
                opening = msg.operation();
                Key key = keys.get(user);
                if (key == null || !Authenticator.verifyNoChallenge(key, msg)) {
                    return error(false);
                }
                if (!resources.contains(resource)) {
                    return error(true);
                }
                openingFrame = frame.clone();
                challenge = mode == Mode.MISMATCH
                        ? messages.challenge(new UserId(user.value() + 1), new ResourceId(resource.value() + 1))
                        : messages.challenge(user, resource);
                return FrameCodec.encode(challenge);
            }
            if (Arrays.equals(frame, openingFrame)) {
                return FrameCodec.encode(challenge);
            }
            done = true;
            if (msg.operation() != Operation.RESPONSE || !msg.user().equals(user)
                    || !msg.resource().equals(resource)
                    || !Authenticator.verify(keys.get(user), msg, challenge.auth())) {
                return error(true);
            }
            (opening == Operation.KNOCK ? knocks : revokes).incrementAndGet();
            onSuccess.accept(opening, peer);
            return FrameCodec.encode(mode == Mode.MISMATCH
                    ? messages.comeIn(new UserId(user.value() + 1), new ResourceId(resource.value() + 1))
                    : messages.comeIn(user, resource));
        }

        private byte[] error(boolean authenticated) {
            done = true;
            if (mode == Mode.STEALTH && !authenticated) {
                return null;
            }
            return FrameCodec.encode(messages.goAway(user != null ? user : Message.UNKNOWN_USER,
                    resource != null ? resource : Message.UNKNOWN_RESOURCE));
        }
    }

    // ------------------------------------------------------------------ TCP

    private void acceptLoop(ServerSocket listener) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                open.add(s);
                spawn("ref-tcp-conn", () -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Session session = new Session();
            while (!session.done) {
                byte[] frame = in.readNBytes(Message.SIZE);
                if (frame.length < Message.SIZE) {
                    return;
                }
                byte[] reply = session.handle(frame, s.getInetAddress());
                if (reply != null) {
                    out.write(reply);
                    out.flush();
                } else if (mode != Mode.SILENT) {
                    return; // stealth: close without a word
                }
            }
        } catch (IOException e) {
            // the client went away; nothing to do in a test server
        } finally {
            open.remove(s);
        }
    }

    // ------------------------------------------------------------------ UDP

    private synchronized boolean lose(double p) {
        return p > 0 && lossRandom.nextDouble() < p;
    }

    private void udpLoop() {
        Map<SocketAddress, Session> sessions = new HashMap<>();
        byte[] buf = new byte[2048];
        while (!udp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                return;
            }
            if (p.getLength() != Message.SIZE || lose(lossIn)) {
                continue;
            }
            byte[] frame = Arrays.copyOf(p.getData(), p.getLength());
            SocketAddress peer = p.getSocketAddress();
            Session s = sessions.get(peer);
            if (s != null && restartStaleSessions && s.openingFrame != null && isOpening(frame)
                    && !Arrays.equals(frame, s.openingFrame)) {
                sessions.remove(peer);
                restartedSessions.incrementAndGet();
                s = null;
            }
            if (s == null) {
                int op = ((frame[4] & 0xFF) << 24) | ((frame[5] & 0xFF) << 16) | ((frame[6] & 0xFF) << 8) | (frame[7] & 0xFF);
                if ((op == Operation.KNOCK.code() || op == Operation.REVOKE.code())
                        && dropFirstKnocks.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    continue;
                }
                s = new Session();
                sessions.put(peer, s);
                udpSessions.incrementAndGet();
            }
            byte[] reply = s.handle(frame, p.getAddress());
            if (s.done) {
                sessions.remove(peer);
            }
            if (reply != null && !lose(lossOut)) {
                try {
                    udp.send(new DatagramPacket(reply, reply.length, peer));
                } catch (IOException e) {
                    // lost reply; the client retries
                }
            }
        }
    }

    private static boolean isOpening(byte[] frame) {
        int op = ((frame[4] & 0xFF) << 24) | ((frame[5] & 0xFF) << 16) | ((frame[6] & 0xFF) << 8) | (frame[7] & 0xFF);
        return op == Operation.KNOCK.code() || op == Operation.REVOKE.code();
    }

    @Override
    public void close() throws IOException {
        if (tcp != null) {
            tcp.close();
        }
        if (udp != null) {
            udp.close();
        }
        for (ServerSocket extra : moreTcp) {
            extra.close();
        }
        for (Socket s : open) {
            s.close();
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
