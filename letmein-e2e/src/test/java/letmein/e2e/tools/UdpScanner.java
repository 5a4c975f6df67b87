package letmein.e2e.tools;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;

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
 * The scanner of the stealth scenario: sends probes to the UDP control port, each from a fresh
 * socket, and prints one line per probe: {@code probe=NAME reply=NONE|<operation>|GARBAGE}.
 *
 * <p>Probes: {@code short} (10 bytes), {@code garbage} (56 random bytes), {@code unknown-user} (a
 * well-formed KNOCK for a user the server does not know), {@code wrong-key} (a KNOCK for user
 * 00000001 with a random key), and - only when {@code KEY1_HEX} is given - {@code valid} (a correct
 * KNOCK for user 00000001, the positive control: the server must answer it with a CHALLENGE, which
 * shows the port is reachable from this host and the silence is the policy's).
 *
 * <p>Usage: {@code UdpScanner SERVER_HOST SERVER_PORT [KEY1_HEX]}.
 */
public final class UdpScanner {
    /** How long a probe listens for an answer that must not come. */
    private static final int SILENCE_MS = 2000;
    /** How long the genuine knock may take to be answered on a loaded machine. */
    private static final int ANSWER_MS = 8000;
    private UdpScanner() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: UdpScanner SERVER_HOST SERVER_PORT [KEY1_HEX]");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        SecureRandom random = new SecureRandom();
        Messages messages = new Messages(new SecureRandomness());
        ResourceId ssh = ResourceId.parse("00000022");
        byte[] shortProbe = new byte[10];
        random.nextBytes(shortProbe);
        probe(server, "short", shortProbe, SILENCE_MS);
        byte[] garbage = new byte[Message.SIZE];
        random.nextBytes(garbage);
        probe(server, "garbage", garbage, SILENCE_MS);
        probe(server, "unknown-user", FrameCodec.encode(
                messages.opening(Operation.KNOCK, randomKey(random), UserId.parse("0BADBEEF"), ssh)), SILENCE_MS);
        probe(server, "wrong-key", FrameCodec.encode(
                messages.opening(Operation.KNOCK, randomKey(random), UserId.parse("00000001"), ssh)), SILENCE_MS);
        if (args.length == 3) {
            probe(server, "valid", FrameCodec.encode(
                    messages.opening(Operation.KNOCK, Key.parseHex(args[2]), UserId.parse("00000001"), ssh)), ANSWER_MS);
        }
    }

    private static Key randomKey(SecureRandom random) {
        byte[] k = new byte[Key.SIZE];
        random.nextBytes(k);
        return Key.of(k);
    }

    private static void probe(InetSocketAddress server, String name, byte[] datagram, int waitMs) throws IOException {
        String reply;
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(server);
            s.setSoTimeout(waitMs);
            s.send(new DatagramPacket(datagram, datagram.length));
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
                try {
                    reply = FrameCodec.decode(Arrays.copyOf(p.getData(), p.getLength())).operation().name();
                } catch (ProtocolException e) {
                    reply = "GARBAGE";
                }
            } catch (SocketTimeoutException e) {
                reply = "NONE";
            }
        }
        System.out.println("probe=" + name + " reply=" + reply);
    }
}
