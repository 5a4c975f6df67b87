package letmein.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ErrorPolicy;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/**
 * Test-only entry point for {@link SystemdIT}: the production socket-activation path (ActivatedSockets →
 * ControlServer.start(Inherited) → SystemdNotify) with a config built from records, so it does not depend on
 * the config parser. Args: RUNDIR tcp|udp|both. Runs until stdin closes.
 */
public final class ActivatedMain {
    private ActivatedMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean tcp = !args[1].equals("udp");
        boolean udp = !args[1].equals("tcp");
        DaemonLog log = DaemonLog.to(System.out, false);
        ControlServer server = new ControlServer(SessionFixtures.config(ErrorPolicy.BASIC_AUTH, Duration.ofSeconds(5), tcp, udp),
                new DaemonOptions(Path.of(args[0]), 64, 8, Duration.ofSeconds(2)), log, new SecureRandomness());
        try {
            Optional<Listen.Inherited> in = new ActivatedSockets(Path.of("/proc"))
                    .fromEnvironment(System.getenv(), ProcessHandle.current().pid());
            if (in.isEmpty()) {
                System.out.println("NOT-ACTIVATED");
                System.exit(3);
            }
            server.start(in.get());
            boolean notified = SystemdNotify.fromEnvironment(System.getenv(), false, new NettyNotifyTransport(), log,
                    "letmeind").ready();
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
