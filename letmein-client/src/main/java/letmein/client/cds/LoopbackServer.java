package letmein.client.cds;

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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ConfigChecksum;
import letmein.proto.config.ControlPort;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.config.GeneralConfig;
import letmein.proto.config.NftablesConfig;
import letmein.proto.config.PortResource;
import letmein.proto.config.Resource;
import letmein.proto.config.SeccompMode;
import letmein.proto.config.ServerConfig;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.session.ReasonClass;
import letmein.proto.session.FwdResult;
import letmein.proto.session.ReplyPolicy;
import letmein.proto.session.Session;
import letmein.proto.session.Step;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * A letmein server for this process only: plain {@code java.net} sockets on a loopback address, one real
 * {@link Session} (letmein-proto's server side of the exchange) per TCP connection and per UDP peer, and
 * no firewall: a verified RESPONSE is counted and acknowledged instead of being sent to letmeinfwd. The
 * build's class-data-sharing {@link Training} run knocks against it, and the client's tests extend it
 * (their stand-in for letmeind adds misbehaviour through the protected hooks).
 *
 * <p>Every resource is a TCP port resource (port 22) open to every user with a key; errors are answered
 * with GOAWAY unless {@link #policy()} says otherwise.
 */
public class LoopbackServer implements AutoCloseable {
    private static final int PROTECTED_PORT = 22;

    private final Map<UserId, Key> keys;
    private final Set<ResourceId> resources;
    private final Messages messages = new Messages(new SecureRandomness());
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<ServerSocket> moreTcp = new CopyOnWriteArrayList<>();
    private final AtomicInteger knocks = new AtomicInteger();
    private final AtomicInteger revokes = new AtomicInteger();
    private final AtomicInteger udpSessions = new AtomicInteger();
    private final AtomicInteger restartedSessions = new AtomicInteger();
    private ServerSocket tcp;
    private DatagramSocket udp;
    private volatile ServerConfig config;

    public LoopbackServer(Map<UserId, Key> keys, Set<ResourceId> resources) {
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
                if (withUdp) {
                    u = new DatagramSocket(null);
                    u.bind(new InetSocketAddress(address, t != null ? t.getLocalPort() : 0));
                }
                tcp = t;
                udp = u;
                break;
            } catch (SocketException e) { // the UDP port of TCP's number was taken: try another number
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
        int port = tcp != null ? tcp.getLocalPort() : udp.getLocalPort();
        config = serverConfig(port, tcp != null, udp != null);
        if (tcp != null) {
            ServerSocket t = tcp;
            spawn("loopback-tcp-accept", new Runnable() {
                @Override
                public void run() {
                    acceptLoop(t);
                }
            });
        }
        if (udp != null) {
            spawn("loopback-udp", new Runnable() {
                @Override
                public void run() {
                    udpLoop();
                }
            });
        }
        return port;
    }

    /** Also serves TCP on {@code address} with the port number of {@link #start}. */
    public void alsoTcp(InetAddress address) throws IOException {
        ServerSocket extra = new ServerSocket();
        extra.bind(new InetSocketAddress(address, tcp.getLocalPort()));
        moreTcp.add(extra);
        spawn("loopback-tcp-accept", new Runnable() {
            @Override
            public void run() {
                acceptLoop(extra);
            }
        });
    }

    /** Successful knocks (acknowledged firewall requests to open). */
    public int knocks() {
        return knocks.get();
    }

    /** Successful revokes. */
    public int revokes() {
        return revokes.get();
    }

    /** UDP sessions started (one per new peer address:port). */
    public int udpSessions() {
        return udpSessions.get();
    }

    /** UDP sessions replaced by a new opening ({@link #restartsWaitingSessions()}). */
    public int restartedSessions() {
        return restartedSessions.get();
    }

    private ServerConfig serverConfig(int controlPort, boolean withTcp, boolean withUdp) {
        Map<ResourceId, Resource> res = new HashMap<>();
        for (ResourceId id : resources) {
            res.put(id, new PortResource(id, PROTECTED_PORT, true, false, Set.of(), Optional.empty()));
        }
        GeneralConfig general = new GeneralConfig(false, new ControlPort(controlPort, withTcp, withUdp),
                Duration.ofSeconds(20), ErrorPolicy.ALWAYS, SeccompMode.OFF);
        return new ServerConfig(Path.of("loopback.conf"), general, keys, res, NftablesConfig.DEFAULT,
                ConfigChecksum.of("loopback".getBytes(StandardCharsets.US_ASCII)));
    }

    // ------------------------------------------------------------------ hooks (tests override them)

    /** The error policy of a new session. Default: every error is answered ({@code always}). */
    protected ReplyPolicy policy() {
        return new ReplyPolicy(ErrorPolicy.ALWAYS);
    }

    /** The bytes to send for the session's {@code reply}; null sends nothing. Default: the encoded message. */
    protected byte[] wire(Message reply, boolean datagram) {
        return FrameCodec.encode(reply);
    }

    /** True to end the session after sending {@code reply} (TCP: close the connection). Default: never. */
    protected boolean endsAfter(Message reply) {
        return false;
    }

    /** True to ignore a received 56-byte datagram; {@code newPeer}: no session for its sender yet. Default: never. */
    protected boolean dropDatagram(byte[] frame, boolean newPeer) {
        return false;
    }

    /**
     * True to let a KNOCK/REVOKE that is not a retransmission, arriving from a peer whose session still waits
     * for its RESPONSE, start a new session instead of ending the old one (as letmeind does, with GOAWAY).
     * Default: no.
     */
    protected boolean restartsWaitingSessions() {
        return false;
    }

    /** What "letmeinfwd" answers to a verified request. Default: acknowledged (and counted). */
    protected FwdResult forward(FwdMessage.Request request) {
        (request instanceof FwdMessage.Install ? knocks : revokes).incrementAndGet();
        return new FwdResult.Acked();
    }

    // ------------------------------------------------------------------ driving the session

    private Session newSession(InetSocketAddress peer, String transport, boolean datagrams) {
        return new Session(config, policy(), messages, peer, transport, datagrams);
    }

    /** The session's step for one 56-byte frame, with any firewall request already answered. */
    private Step feed(Session session, byte[] frame) {
        Step step;
        try {
            step = session.onMessage(FrameCodec.decode(frame));
        } catch (ProtocolException e) {
            step = session.onUndecodable(e.getMessage());
        }
        return settle(session, step);
    }

    private Step settle(Session session, Step step) {
        while (step instanceof Step.Forward) {
            step = session.onFwdResult(forward(((Step.Forward) step).request()));
        }
        return step;
    }

    /** The reply a step asks to send, if any. */
    private static Optional<Message> replyOf(Step step) {
        return step instanceof Step.Send ? Optional.of(((Step.Send) step).reply()) : ((Step.End) step).reply();
    }

    /** True if the session goes on after {@code step} and its reply. */
    private boolean continues(Session session, Step step, Optional<Message> reply) {
        if (step instanceof Step.End) {
            return false;
        }
        if (reply.isPresent() && endsAfter(reply.get())) {
            session.onAbort(ReasonClass.INTERNAL, "ended by the test server after its reply");
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ TCP

    private void acceptLoop(ServerSocket listener) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                open.add(s);
                spawn("loopback-tcp-conn", new Runnable() {
                    @Override
                    public void run() {
                        serve(s);
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout((int) config.general().controlTimeout().toMillis());
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Session session = newSession((InetSocketAddress) s.getRemoteSocketAddress(), "TCP", false);
            while (true) {
                Step step;
                try {
                    byte[] frame = in.readNBytes(Message.SIZE);
                    step = frame.length < Message.SIZE ? session.onDisconnect() : feed(session, frame);
                } catch (SocketTimeoutException e) {
                    step = session.onTimeout();
                }
                Optional<Message> reply = replyOf(step);
                byte[] bytes = reply.isPresent() ? wire(reply.get(), false) : null;
                if (bytes != null) {
                    out.write(bytes);
                    out.flush();
                }
                if (!continues(session, step, reply)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away; nothing to do for a loopback server
        } finally {
            open.remove(s);
        }
    }

    // ------------------------------------------------------------------ UDP

    /** A UDP peer's session and the opening datagram that started it. */
    private static final class Peer {
        final Session session;
        byte[] opening;

        Peer(Session session) {
            this.session = session;
        }
    }

    private void udpLoop() {
        Map<SocketAddress, Peer> peers = new HashMap<>();
        byte[] buf = new byte[2048];
        while (!udp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                return;
            }
            if (p.getLength() != Message.SIZE) {
                continue; // not a message at all: never answered, no session
            }
            byte[] frame = Arrays.copyOf(p.getData(), p.getLength());
            SocketAddress from = p.getSocketAddress();
            Peer peer = peers.get(from);
            if (dropDatagram(frame, peer == null)) {
                continue;
            }
            if (peer != null && restartsWaitingSessions() && peer.session.phase() == Session.Phase.AWAIT_RESPONSE
                    && isOpening(frame) && !Arrays.equals(frame, peer.opening)) {
                peers.remove(from);
                restartedSessions.incrementAndGet();
                peer = null;
            }
            if (peer == null) {
                peer = new Peer(newSession((InetSocketAddress) from, "UDP", true));
                peer.opening = frame;
                peers.put(from, peer);
                udpSessions.incrementAndGet();
            }
            Step step = feed(peer.session, frame);
            Optional<Message> reply = replyOf(step);
            if (!continues(peer.session, step, reply)) {
                peers.remove(from);
            }
            byte[] bytes = reply.isPresent() ? wire(reply.get(), true) : null;
            if (bytes != null) {
                try {
                    udp.send(new DatagramPacket(bytes, bytes.length, from));
                } catch (IOException e) {
                    // a lost reply; the client starts another attempt
                }
            }
        }
    }

    /** True if the frame's operation field says KNOCK or REVOKE (decodable or not). */
    protected static boolean isOpening(byte[] frame) {
        int op = ((frame[4] & 0xFF) << 24) | ((frame[5] & 0xFF) << 16) | ((frame[6] & 0xFF) << 8) | (frame[7] & 0xFF);
        return op == Operation.KNOCK.code() || op == Operation.REVOKE.code();
    }

    private void spawn(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
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
                return;
            }
        }
    }
}
