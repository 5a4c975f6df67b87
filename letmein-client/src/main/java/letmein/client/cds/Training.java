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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import letmein.client.ConfigSource;
import letmein.client.Environment;
import letmein.client.cli.Cli;
import letmein.client.net.RetryPolicy;
import letmein.client.net.Ticker;
import letmein.client.plan.Resolver;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.config.ControlPort;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.config.GeneralConfig;
import letmein.proto.config.PortResource;
import letmein.proto.config.SeccompMode;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

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
        Key key = Key.of(new SecureRandomness().bytes(Key.SIZE));
        UserId user = new UserId(1);
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
            ClientConfig config = new ClientConfig(Path.of("training.conf"), true,
                    new GeneralConfig(false, new ControlPort(port, true, true), Duration.ofSeconds(5),
                            ErrorPolicy.DEFAULT, SeccompMode.OFF),
                    user, Map.of(user, key), Map.of(new ResourceId(2), new PortResource(new ResourceId(2), 22, true,
                            false, Set.of(), Optional.empty())));
            ConfigSource source = new ConfigSource() {
                @Override
                public ClientConfig load(Path file) throws ConfigException {
                    touchParser(file);
                    return config;
                }

                @Override
                public List<String> permissionWarnings(Path file) {
                    return List.of();
                }
            };
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
            Environment env = new Environment(new ByteArrayInputStream(new byte[0]), sink, sink, Resolver.system(),
                    source, () -> Path.of("training.conf"), new SecureRandomness(), Ticker.system(), RetryPolicy.DEFAULT);
            String p = String.valueOf(port);
            run(env, "knock", "-P", p, "127.0.0.1", "22");
            run(env, "knock", "-U", "-P", p, "127.0.0.1", "22");
            run(env, "--verbose", "revoke", "-P", p, "-r", "2", "127.0.0.1");
            run(env, "gen-key", "-u", "1");
            run(env, "--help");
            run(env, "knock", "--help");
        }
    }

    /** Loads the config parser's classes too (once it exists); a missing file gives defaults. */
    private static void touchParser(Path ignored) {
        try {
            Path tmp = Files.createTempFile("letmein-cds", ".conf");
            try {
                Files.writeString(tmp, "[GENERAL]\nport = 5800\n[CLIENT]\ndefault-user = 1\n");
                Configs.loadClient(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (ConfigException | IOException | UnsupportedOperationException e) {
            // training only: a parser that is not there yet just means fewer archived classes
        }
    }

    private static void run(Environment env, String... args) {
        int code = Cli.run(args, env);
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
