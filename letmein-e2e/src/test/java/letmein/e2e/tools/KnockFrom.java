package letmein.e2e.tools;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.TreeMap;

import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.session.ClientExchange;
import letmein.proto.session.ClientExchange.Verdict;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * A key holder who knocks from many addresses (the per-user quota scenario): one complete TCP knock
 * (KNOCK, CHALLENGE, RESPONSE, COMEIN) from each given local address in turn, with the shared
 * {@link ClientExchange}, and a tally of the outcomes: {@code COMEIN}, {@code GOAWAY} (refused), or
 * {@code NONE}/{@code CLOSED}/{@code UNEXPECTED}. Prints one line {@code COMEIN=N GOAWAY=M ...}.
 * The key comes from the environment variable {@code LETMEIN_KEY} (64 hex digits), never from the
 * command line.
 *
 * <p>Usage: {@code KnockFrom SERVER PORT USER RESOURCE SOURCE...} (USER and RESOURCE in hex).
 */
public final class KnockFrom {
    private KnockFrom() {
    }

    public static void main(String[] args) throws Exception {
        String hex = System.getenv("LETMEIN_KEY");
        if (args.length < 5 || hex == null) {
            System.err.println("usage: LETMEIN_KEY=HEX KnockFrom SERVER PORT USER RESOURCE SOURCE...");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        ClientExchange.Request request = new ClientExchange.Request(Operation.KNOCK, Key.parseHex(hex),
                new UserId(Integer.parseUnsignedInt(args[2], 16)), new ResourceId(Integer.parseUnsignedInt(args[3], 16)));
        Messages messages = new Messages(new SecureRandomness());
        Map<String, Integer> tally = new TreeMap<>();
        for (int i = 4; i < args.length; i++) {
            String outcome = knock(server, InetAddress.getByName(args[i]), new ClientExchange(messages, request, false));
            tally.merge(outcome, 1, Integer::sum);
        }
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Integer> e : tally.entrySet()) {
            line.append(line.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue());
        }
        System.out.println(line);
    }

    private static String knock(InetSocketAddress server, InetAddress source, ClientExchange exchange) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(server, 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            ClientExchange.Attempt attempt = exchange.attempt();
            out.write(FrameCodec.encode(exchange.opening()));
            Verdict v = attempt.onReply(read(in));
            if (v != Verdict.ACCEPTED) {
                return v == Verdict.REJECTED ? "GOAWAY" : "UNEXPECTED";
            }
            out.write(FrameCodec.encode(attempt.response()));
            v = attempt.onReply(read(in));
            if (v == Verdict.ACCEPTED) {
                return "COMEIN";
            }
            return v == Verdict.REJECTED ? "GOAWAY" : "UNEXPECTED";
        } catch (SocketTimeoutException e) {
            return "NONE";
        } catch (EOFException e) {
            return "CLOSED";
        } catch (IOException | ProtocolException e) {
            return "ERROR";
        }
    }

    private static Message read(DataInputStream in) throws IOException, ProtocolException {
        byte[] frame = new byte[Message.SIZE];
        in.readFully(frame);
        return FrameCodec.decode(frame);
    }
}
