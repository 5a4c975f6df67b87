package letmein.client.cds;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import letmein.client.Environment;
import letmein.client.Main;
import letmein.client.net.RetryPolicy;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;

/**
 * Build-time training run for the class-data-sharing archive: started once with
 * {@code -XX:ArchiveClassesAtExit=letmein.jsa} during {@code mvn package}, it drives the real command
 * line through a TCP and a UDP knock, a revoke, gen-key and the help text against a throw-away
 * loopback answerer, so every class on the knock path is in the archive that {@code bin/letmein} maps
 * at start. The answerer here only replays the message sequence (it checks nothing); it is not a
 * server and never leaves this process.
 */
public final class Training {
    private Training() {
    }

    public static void main(String[] args) throws Exception {
        Main.startWarmUp().join();
        Key key = Key.of(new SecureRandomness().bytes(Key.SIZE));
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket tcp = new ServerSocket(0, 8, lo);
                DatagramSocket udp = bindUdp(lo, tcp.getLocalPort())) {
            Messages messages = new Messages(new SecureRandomness());
            Thread t = new Thread(() -> answerTcp(tcp, messages), "training-tcp");
            t.setDaemon(true);
            t.start();
            Thread u = new Thread(() -> answerUdp(udp, messages), "training-udp");
            u.setDaemon(true);
            u.start();
            int port = tcp.getLocalPort();
            Path conf = Files.createTempFile("letmein-cds", ".conf");
            try {
                Files.writeString(conf, "[GENERAL]\nport = " + port + " / tcp, udp\ncontrol-timeout = 5\n"
                        + "[CLIENT]\ndefault-user = 00000001\n[KEYS]\n00000001 = " + key.toHex() + "\n"
                        + "[RESOURCES]\n00000002 = port: 22 / tcp / users: 00000001\n");
                PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
                // the real process's parts (urandom, resolver, clock, default search path), only the
                // streams replaced: so exactly the classes a real start loads end up in the archive
                Environment sys = Environment.system();
                sys.defaultConfig().get();
                Environment env = new Environment(new ByteArrayInputStream(new byte[0]), sink, sink,
                        sys.resolver(), sys.configs(), sys.defaultConfig(), sys.randomness(), sys.ticker(),
                        RetryPolicy.DEFAULT);
                String c = conf.toString();
                run(env, "-c", c, "knock", "127.0.0.1", "22");
                // a host name, for the resolver path; a build host without 'localhost' only loses that
                Main.run(new String[] {"-c", c, "knock", "-4", "localhost", "22"}, env);
                run(env, "-c", c, "knock", "-U", "127.0.0.1", "22");
                run(env, "-c", c, "--verbose", "revoke", "-r", "2", "127.0.0.1");
                run(env, "-c", c, "--check-config");
                run(env, "-c", c, "knock", "-u", "1", "-T", "-4", "--", "127.0.0.1", "22");
                run(env, "gen-key", "-u", "1");
                run(env, "--help");
                run(env, "knock", "--help");
            } finally {
                Files.deleteIfExists(conf);
            }
        }
    }

    private static void run(Environment env, String... args) {
        int code = Main.run(args, env);
        if (code != 0) {
            throw new IllegalStateException("training run failed (" + code + "): " + String.join(" ", args));
        }
    }

    private static DatagramSocket bindUdp(InetAddress lo, int port) throws IOException {
        DatagramSocket d = new DatagramSocket(null);
        d.bind(new InetSocketAddress(lo, port));
        return d;
    }

    private static byte[] reply(Messages messages, byte[] frame) {
        try {
            Message m = FrameCodec.decode(frame);
            if (m.operation().opensSession()) {
                return FrameCodec.encode(messages.challenge(m.user(), m.resource()));
            }
            if (m.operation() == Operation.RESPONSE) {
                return FrameCodec.encode(messages.comeIn(m.user(), m.resource()));
            }
        } catch (ProtocolException e) {
            return null;
        }
        return null;
    }

    private static void answerTcp(ServerSocket tcp, Messages messages) {
        while (true) {
            try (Socket s = tcp.accept()) {
                InputStream in = s.getInputStream();
                for (int i = 0; i < 2; i++) {
                    byte[] frame = in.readNBytes(Message.SIZE);
                    byte[] r = frame.length == Message.SIZE ? reply(messages, frame) : null;
                    if (r == null) {
                        break;
                    }
                    s.getOutputStream().write(r);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answerUdp(DatagramSocket udp, Messages messages) {
        byte[] buf = new byte[Message.SIZE];
        while (true) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                byte[] r = p.getLength() == Message.SIZE ? reply(messages, p.getData().clone()) : null;
                if (r != null) {
                    udp.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }
}
