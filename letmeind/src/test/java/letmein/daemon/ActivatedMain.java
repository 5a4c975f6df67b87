package letmein.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ErrorPolicy;

/**
 * Test-only entry point for {@link SystemdIT}: the production socket-activation path (SystemdSockets →
 * Server.start(Inherited) → SystemdNotifier) with a config built from records, so it does not depend on
 * the config parser. Args: RUNDIR tcp|udp|both. Runs until stdin closes.
 */
public final class ActivatedMain {
    private ActivatedMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean tcp = !args[1].equals("udp");
        boolean udp = !args[1].equals("tcp");
        DecisionLog log = line -> {
            System.out.println(line);
            System.out.flush();
        };
        Server server = new Server(Fixtures.config(ErrorPolicy.BASIC_AUTH, Duration.ofSeconds(5), tcp, udp),
                new DaemonOptions(Path.of(args[0]), 64, 8, Duration.ofSeconds(2)), log, new SecureRandomness());
        try {
            Optional<Listen.Inherited> in = new SystemdSockets(Path.of("/proc"))
                    .fromEnvironment(System.getenv(), ProcessHandle.current().pid());
            if (in.isEmpty()) {
                System.out.println("NOT-ACTIVATED");
                System.exit(3);
            }
            server.start(in.get());
            boolean notified = new SystemdNotifier(Optional.ofNullable(System.getenv("NOTIFY_SOCKET")), log)
                    .notify("READY=1");
            System.out.println("STARTED tcp=" + server.tcpAddress().map(Object::toString).orElse("-") + " udp="
                    + server.udpAddress().map(Object::toString).orElse("-") + " notified=" + notified);
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the test closes our stdin
            }
        } catch (StartupException e) {
            System.out.println("letmeind: " + e.getMessage());
            System.out.flush();
            System.exit(1);
        } finally {
            server.close();
        }
        System.exit(0);
    }
}
