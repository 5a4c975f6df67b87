package letmein.e2e.tools;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;

/**
 * The attacker of the replay scenario: sends a captured KNOCK and RESPONSE, byte for byte, to the
 * server from its own host, and prints what came back after each ({@code knock-reply=...
 * response-reply=...}; {@code NONE} = silence, {@code CLOSED} = the server closed the connection).
 *
 * <p>Usage: {@code Replay tcp|udp SERVER_HOST SERVER_PORT CAPTURE_FILE}.
 */
public final class Replay {
    private Replay() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Replay tcp|udp SERVER_HOST SERVER_PORT CAPTURE_FILE");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        byte[] capture = Files.readAllBytes(Path.of(args[3]));
        // the capture is the client's side of one exchange: KNOCK, RESPONSE, and possibly
        // retransmissions of either (UDP retry policy)
        byte[] knock = null;
        byte[] response = null;
        for (int off = 0; off + Message.SIZE <= capture.length; off += Message.SIZE) {
            byte[] frame = Arrays.copyOfRange(capture, off, off + Message.SIZE);
            Operation op;
            try {
                op = FrameCodec.decode(frame).operation();
            } catch (ProtocolException e) {
                continue;
            }
            if (op == Operation.KNOCK && knock == null) {
                knock = frame;
            } else if (op == Operation.RESPONSE) {
                response = frame;
            }
        }
        if (capture.length % Message.SIZE != 0 || knock == null || response == null) {
            System.err.println("the capture (" + capture.length + " bytes) does not hold a KNOCK and a RESPONSE");
            System.exit(1);
        }
        String knockReply;
        String responseReply;
        if (args[0].equals("tcp")) {
            try (Socket s = new Socket()) {
                s.connect(server, 5000);
                s.setSoTimeout(6000);
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                out.write(knock);
                out.flush();
                knockReply = readTcp(in);
                try {
                    out.write(response);
                    out.flush();
                    responseReply = readTcp(in);
                } catch (IOException e) {
                    responseReply = "CLOSED";
                }
            }
        } else {
            try (DatagramSocket s = new DatagramSocket()) {
                s.connect(server);
                s.setSoTimeout(4000);
                s.send(new DatagramPacket(knock, knock.length));
                knockReply = readUdp(s);
                s.send(new DatagramPacket(response, response.length));
                responseReply = readUdp(s);
            }
        }
        System.out.println("knock-reply=" + knockReply + " response-reply=" + responseReply);
    }

    private static String readTcp(DataInputStream in) throws IOException {
        byte[] frame = new byte[Message.SIZE];
        try {
            in.readFully(frame);
        } catch (SocketTimeoutException e) {
            return "NONE";
        } catch (EOFException e) {
            return "CLOSED";
        } catch (IOException e) {
            return "CLOSED";
        }
        return describe(frame);
    }

    private static String readUdp(DatagramSocket s) throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return "NONE";
        }
        return describe(Arrays.copyOf(p.getData(), p.getLength()));
    }

    private static String describe(byte[] frame) {
        try {
            return FrameCodec.decode(frame).operation().name();
        } catch (ProtocolException e) {
            return "GARBAGE";
        }
    }
}
