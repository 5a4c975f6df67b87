package letmein.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import letmein.client.cds.LoopbackServer;
import letmein.client.net.KnockException;
import letmein.proto.auth.Key;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;
import org.junit.jupiter.api.Test;

/**
 * The load tool's knocks (the client's exchange classes) against the client's loopback server (the real
 * server-side session), over TCP and UDP, from one or several loopback source addresses; bounded by count.
 */
class LoadToolTest {
    private static final UserId USER = UserId.parse("00000001");
    private static final ResourceId RES = ResourceId.parse("00000022");
    private static final Key KEY = Key.parseHex("5B1F7A3C9E2D4F6A8B0C1D2E3F405162738495A6B7C8D9EAFB0C1D2E3F405162");
    private static final Key WRONG = Key.parseHex("0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20");

    private static LoadTool.Options options(int port, boolean udp, Key key, InetAddress sourceBase, int sources) {
        return new LoadTool.Options(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), udp, 1, 10, 20,
                2000, USER, RES, key, Map.of(), null, "test", sourceBase, sources, 0);
    }

    private static LoadTool.Worker knock(LoadTool.Options o, int count) {
        LoadTool.Worker w = new LoadTool.Worker(o, new AtomicLong(count), System.nanoTime() + 20_000_000_000L);
        w.run();
        return w;
    }

    @Test
    void fullKnocksOverBothTransportsAreCountedAsSuccesses() throws Exception {
        try (LoopbackServer server = new LoopbackServer(Map.of(USER, KEY), Set.of(RES))) {
            int port = server.start(InetAddress.getLoopbackAddress(), true, true);
            for (boolean udp : new boolean[] {false, true}) {
                LoadTool.Worker w = knock(options(port, udp, KEY, null, 0), 20);
                assertThat(w.n).as(udp ? "UDP" : "TCP").isEqualTo(20);
                assertThat(w.failures).containsOnly(0L);
            }
            InetAddress base = InetAddress.getByName("127.0.0.2");
            LoadTool.Worker fromSources = knock(options(port, false, KEY, base, 3), 6);
            assertThat(fromSources.n).isEqualTo(6);
            assertThat(server.knocks()).isEqualTo(46);
        }
    }

    @Test
    void aRefusalIsCountedAsGoaway() throws Exception {
        try (LoopbackServer server = new LoopbackServer(Map.of(USER, KEY), Set.of(RES))) {
            int port = server.start(InetAddress.getLoopbackAddress(), true, true);
            for (boolean udp : new boolean[] {false, true}) {
                LoadTool.Worker w = knock(options(port, udp, WRONG, null, 0), 3);
                assertThat(w.n).isZero();
                assertThat(w.failures[LoadTool.Failure.GOAWAY.ordinal()]).isEqualTo(3);
            }
            assertThat(server.knocks()).isZero();
        }
    }

    @Test
    void everyClientFailureKindHasAColumn() {
        assertThat(LoadTool.failure(KnockException.Kind.NO_ANSWER)).isEqualTo(LoadTool.Failure.TIMEOUT);
        assertThat(LoadTool.failure(KnockException.Kind.REJECTED)).isEqualTo(LoadTool.Failure.GOAWAY);
        assertThat(LoadTool.failure(KnockException.Kind.BAD_REPLY)).isEqualTo(LoadTool.Failure.BAD_REPLY);
        assertThat(LoadTool.failure(KnockException.Kind.REFUSED)).isEqualTo(LoadTool.Failure.IO);
        assertThat(LoadTool.failure(KnockException.Kind.UNREACHABLE)).isEqualTo(LoadTool.Failure.IO);
    }
}
