package letmein.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import letmein.client.ConfigSource;
import letmein.client.Environment;
import letmein.client.TestSupport;
import letmein.client.net.RetryPolicy;
import letmein.client.net.Ticker;
import letmein.client.plan.KnockRequest;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.GeneralConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The fast parser may only accept what picocli parses to exactly the same meaning; everything else it
 * must leave to picocli. Random token soups and mostly-valid command lines are compared both ways.
 */
class FastPathTest {
    private static final List<String> TOKENS = List.of("-c", "/tmp/x.conf", "--config", "--verbose", "knock",
            "revoke", "connect", "check", "gen-key", "-u", "1", "12345678", "zz", "123456789", "-r", "22", "-P",
            "5800", "0", "070", "70000", "+22", "-T", "-U", "-4", "-6", "--ipv4", "--ipv6", "--user", "--resource",
            "--server-port", "--server-port-tcp", "--server-port-udp", "--user=1", "-46", "-u1", "host.example",
            "127.0.0.1", "::1", "--", "-h", "--help", "-v", "--seccomp", "off", "@file", "", "help", "-c=x",
            "--verbose=true", "--VERBOSE", "--verb", "-U4", " ", "22 ", "0x16", "-0");

    private static Environment env() {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        ClientConfig defaults = new ClientConfig(TestSupport.CONF, false, GeneralConfig.DEFAULT,
                ClientConfig.DEFAULT_USER, java.util.Map.of(), java.util.Map.of());
        ConfigSource src = new ConfigSource() {
            @Override
            public ClientConfig load(Path file) {
                return defaults;
            }

            @Override
            public List<String> permissionWarnings(Path file) {
                return List.of();
            }
        };
        return new Environment(new ByteArrayInputStream(new byte[0]), sink, sink, TestSupport.resolver(java.util.Map.of()),
                src, () -> TestSupport.CONF, new SecureRandomness(), Ticker.system(), RetryPolicy.DEFAULT);
    }

    @Provide
    Arbitrary<List<String>> soup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<List<String>> plausible() {
        Arbitrary<List<String>> globals = Arbitraries.of(List.<String>of(), List.of("--verbose"),
                List.of("-c", "/etc/l.conf"), List.of("--config", "a.conf", "--verbose"), List.of("--verbose", "-c", "x"));
        Arbitrary<String> cmd = Arbitraries.of("knock", "revoke", "connect");
        Arbitrary<List<List<String>>> opts = Arbitraries.of(List.of("-u", "1"), List.of("--user", "ABCDEF01"),
                List.of("-r", "22"), List.of("--resource", "0000001a"), List.of("-P", "5801"),
                List.of("--server-port", "65535"), List.of("-T"), List.of("-U"), List.of("-4"), List.of("-6"),
                List.of("--ipv4"), List.of("--ipv6"), List.of("--server-port-tcp"), List.of("--server-port-udp"))
                .list().ofMaxSize(5);
        Arbitrary<List<String>> pos = Arbitraries.of(List.of("h.example"), List.of("h.example", "22"),
                List.of("192.0.2.1", "2222"), List.of("2001:db8::1", "1"), List.of("::1", "65535"));
        return Combinators.combine(globals, cmd, opts, pos, Arbitraries.integers().between(0, 5))
                .as((g, c, o, p, at) -> {
                    List<String> all = new ArrayList<>(g);
                    all.add(c);
                    List<String> rest = new ArrayList<>();
                    o.forEach(rest::addAll);
                    int insert = Math.min(at, rest.size());
                    rest.addAll(insert, p);
                    all.addAll(rest);
                    return all;
                });
    }

    @Property
    void acceptedSoupMeansTheSameToPicocli(@ForAll("soup") List<String> args) {
        agree(args);
    }

    @Property
    void acceptedPlausibleLinesMeanTheSameToPicocli(@ForAll("plausible") List<String> args) {
        agree(args);
        // Not vacuous: most of these lines must actually take the fast path.
        Statistics.label("fast").collect(FastPath.parse(args.toArray(new String[0])).isPresent());
        Statistics.label("fast").coverage(c -> c.check(true).percentage(p -> p > 40));
    }

    private static void agree(List<String> argList) {
        String[] args = argList.toArray(new String[0]);
        Optional<FastPath.Parsed> fast = FastPath.parse(args);
        if (fast.isEmpty()) {
            return;
        }
        CommandLine cl = Cli.commandLine(env());
        CommandLine.ParseResult pr;
        try {
            pr = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            fail("fast path accepted " + argList + " but picocli rejects it: " + e.getMessage());
            return;
        }
        LetmeinCommand top = cl.getCommand();
        assertThat(pr.subcommand()).as("subcommand of %s", argList).isNotNull();
        String name = pr.subcommand().commandSpec().name();
        PlanCommand sub = pr.subcommand().commandSpec().commandLine().getCommand();
        boolean connect = name.equals("connect");
        KnockRequest viaPicocli;
        try {
            viaPicocli = sub.options.request(connect, !connect);
        } catch (CommandLine.ParameterException e) {
            fail("fast path accepted " + argList + " but picocli's checks reject it: " + e.getMessage());
            return;
        }
        FastPath.Parsed f = fast.get();
        assertThat(f.command()).as("%s", argList).isEqualTo(name);
        assertThat(f.config()).as("%s", argList).isEqualTo(top.config);
        assertThat(f.verbose()).as("%s", argList).isEqualTo(top.verbose);
        assertThat(f.request()).as("%s", argList).isEqualTo(viaPicocli);
    }

    @Test
    void theUsualSshLinesTakeTheFastPath() {
        assertThat(FastPath.parse(new String[] {"knock", "host.example", "22"})).isPresent();
        assertThat(FastPath.parse(new String[] {"-c", "/etc/letmein.conf", "knock", "-u", "1", "-U", "h", "22"}))
                .isPresent();
        assertThat(FastPath.parse(new String[] {"connect", "h", "22"})).isPresent();
        assertThat(FastPath.parse(new String[] {"revoke", "-r", "22", "h"})).isPresent();
        assertThat(FastPath.parse(new String[] {"knock", "-h"})).isEmpty();
        assertThat(FastPath.parse(new String[] {"knock", "-r", "1", "h", "22"})).isEmpty(); // conflict: picocli says so
        assertThat(FastPath.parse(new String[] {"connect", "h"})).isEmpty();
        assertThat(FastPath.parse(new String[] {"check", "h", "22"})).isEmpty();
    }
}
