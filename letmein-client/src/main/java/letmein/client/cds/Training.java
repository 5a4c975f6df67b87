package letmein.client.cds;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import letmein.client.Environment;
import letmein.client.Main;
import letmein.client.net.RetryPolicy;
import letmein.proto.auth.Key;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Training run for the client's start-up archive: {@code bin/make-cds-archive.sh} (run by
 * {@code mvn package}, the Debian package's postinst and {@code install.sh}, always with the java the
 * client will run on) starts it once under the JVM flags of {@code bin/letmein}, recording a class list
 * for a static CDS archive (JDK 17-24) or writing an AOT cache (JDK 25 and later). It drives the real
 * command line through a TCP and a UDP knock, a revoke, gen-key and the help text against an in-process
 * {@link LoopbackServer} (the real server-side session on 127.0.0.1, never reachable from outside this
 * process), so every class on the knock path is in the archive that {@code bin/letmein} maps at start.
 */
public final class Training {
    private Training() {
    }

    public static void main(String[] args) throws Exception {
        Main.startWarmUp().join();
        Key key = Key.of(new SecureRandomness().bytes(Key.SIZE));
        try (LoopbackServer server = new LoopbackServer(Map.of(UserId.parse("00000001"), key),
                Set.of(ResourceId.parse("00000002")))) {
            int port = server.start(InetAddress.getLoopbackAddress(), true, true);
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
}
