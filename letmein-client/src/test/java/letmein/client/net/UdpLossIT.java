package letmein.client.net;

import static letmein.client.TestSupport.KEY;
import static letmein.client.TestSupport.USER;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import letmein.client.testserver.RefServer;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.session.ClientExchange;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import org.junit.jupiter.api.Test;

/**
 * The UDP retry rule (docs/client.md, "UDP"): with 30% of datagrams lost in each direction (seeded, in
 * the {@link RefServer} stand-in for letmeind), {@link UdpExchange} knocks with the default retry policy
 * and control-timeout (5 s) must still succeed ≥ 99% of the time; without retries only 0.7⁴ ≈ 24%
 * would. Measures 200 knocks and prints the ratio; asserts a margin below the target so one unlucky
 * seed cannot flake the build.
 */
class UdpLossIT {
    private static final ResourceId RES = ResourceId.parse("1000");

    @Test
    void knocksSurviveThirtyPercentLossEachWay() throws Exception {
        int total = 200;
        try (RefServer server = new RefServer(Map.of(USER, KEY), Set.of(RES))) {
            int port = server.start(InetAddress.getLoopbackAddress(), false, true);
            server.loss(0.30, 0.30).restartStaleSessions();
            UdpExchange udp = new UdpExchange(new Messages(new SecureRandomness()), Ticker.system(),
                    Progress.silent(), RetryPolicy.DEFAULT);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<KnockException.Kind>> results = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < total; i++) {
                results.add(pool.submit(() -> {
                    try {
                        udp.run(target, new ClientExchange.Request(Operation.KNOCK, KEY, USER, RES),
                                Duration.ofSeconds(5));
                        return null;
                    } catch (KnockException e) {
                        return e.kind();
                    }
                }));
            }
            int ok = 0;
            Map<KnockException.Kind, Integer> failures = new java.util.EnumMap<>(KnockException.Kind.class);
            for (Future<KnockException.Kind> f : results) {
                KnockException.Kind k = f.get();
                if (k == null) {
                    ok++;
                } else {
                    failures.merge(k, 1, Integer::sum);
                }
            }
            pool.shutdown();
            double ratio = ok / (double) total;
            System.out.printf("UDP knocks at 30%% loss each way: %d/%d succeeded (%.1f%%), failures %s, %d server"
                    + " sessions (%d stale source-port sessions restarted), %.1f s%n", ok, total, 100 * ratio, failures,
                    server.udpSessions(), server.restartedSessions(), (System.nanoTime() - t0) / 1e9);
            assertThat(ratio).isGreaterThanOrEqualTo(0.985);
            assertThat(server.knocks()).isGreaterThanOrEqualTo(ok);
        }
    }
}
