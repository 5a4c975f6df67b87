package letmein.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import letmein.client.cli.Cli;
import letmein.client.net.RetryPolicy;
import letmein.client.net.Ticker;
import letmein.client.plan.Resolver;
import letmein.proto.auth.Key;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.ControlPort;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.config.GeneralConfig;
import letmein.proto.config.PortResource;
import letmein.proto.config.Resource;
import letmein.proto.config.SeccompMode;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/** Builds client configs as records and runs the whole command line in-process with captured streams. */
public final class TestSupport {
    public static final Path CONF = Path.of("/test/letmein.conf");
    public static final Key KEY = Key.parseHex("8D9BB4FA0B3D4A5D2AC4D0A4C3A3B3F2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6");
    public static final Key OTHER_KEY = Key.parseHex("1111111111111111111111111111111111111111111111111111111111111112");
    public static final UserId USER = UserId.parse("12345678");

    private TestSupport() {
    }

    /** The outcome of one in-process run. */
    public record Result(int code, byte[] stdout, String err) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    public static GeneralConfig general(int port, boolean tcp, boolean udp, Duration timeout) {
        return new GeneralConfig(false, new ControlPort(port, tcp, udp), timeout, ErrorPolicy.DEFAULT, SeccompMode.OFF);
    }

    public static PortResource portResource(String id, int port, UserId... users) {
        return new PortResource(ResourceId.parse(id), port, true, false, Set.of(users), Optional.empty());
    }

    public static ClientConfig config(GeneralConfig general, Map<UserId, Key> keys, Resource... resources) {
        Map<ResourceId, Resource> m = new HashMap<>();
        for (Resource r : resources) {
            m.put(r.id(), r);
        }
        return new ClientConfig(CONF, true, general, USER, keys, m);
    }

    /** A resolver that knows only the given names (everything else: unknown host). */
    public static Resolver resolver(Map<String, List<InetAddress>> names) {
        return host -> {
            List<InetAddress> a = names.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return a;
        };
    }

    public static Result run(ClientConfig config, Resolver resolver, byte[] stdin, String... args) {
        return run(config, resolver, stdin, RetryPolicy.DEFAULT, args);
    }

    public static Result run(ClientConfig config, Resolver resolver, byte[] stdin, RetryPolicy retry, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin);
        ConfigSource source = new ConfigSource() {
            @Override
            public ClientConfig load(Path file) {
                return config;
            }

            @Override
            public List<String> permissionWarnings(Path file) {
                return List.of();
            }
        };
        Environment env = new Environment(in, new PrintStream(out, false), new PrintStream(err, true), resolver,
                source, () -> CONF, new SecureRandomness(), Ticker.system(), retry);
        int code = letmein.client.Main.run(args, env);
        env.stdout().flush();
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
