package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import letmein.proto.fwd.FwdMessage;

/**
 * Real packets: a client namespace connects over a veth pair (private 10.213.0.0/24 and ULA
 * fd00:213::/64 only) to a TCP listener in the server namespace guarded by conf/nftables.conf and
 * letmeinfwd. The port is reachable exactly while the lease exists, per address family.
 */
class FwdTrafficIT {
    private static final String LISTENER = "import java.net.*;\n"
            + "public class Listen { public static void main(String[] a) throws Exception {\n"
            + "  try (ServerSocket s = new ServerSocket()) { s.bind(new InetSocketAddress(\"::\", Integer.parseInt(a[0])));\n"
            + "    System.out.println(\"LISTENING\"); System.out.flush();\n"
            + "    while (true) { s.accept().close(); } } } }\n";

    @Test
    void protectedPortIsReachableOnlyWhileTheLeaseExists() throws Exception {
        try (Lab lab = Lab.create("t")) {
            String cli = Lab.name("tc");
            lab.extraNamespaces.add(cli);
            Cmd.run(List.of("ip", "netns", "add", cli)).ok("ip netns add");
            lab.exec("ip", "link", "add", "vs", "type", "veth", "peer", "name", "vc", "netns", cli).ok("veth");
            lab.exec("ip", "addr", "add", "10.213.0.1/24", "dev", "vs").ok("addr");
            lab.exec("ip", "addr", "add", "fd00:213::1/64", "dev", "vs", "nodad").ok("addr6");
            lab.exec("ip", "link", "set", "vs", "up").ok("up");
            Cmd.Result r = Cmd.run(List.of("ip", "netns", "exec", cli, "sh", "-c",
                    "ip link set lo up && ip link set vc up && ip addr add 10.213.0.2/24 dev vc "
                            + "&& ip addr add fd00:213::2/64 dev vc nodad"));
            r.ok("client side");
            Path dir = lab.newDir();
            Files.writeString(dir.resolve("Listen.java"), LISTENER);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process listener = new ProcessBuilder("ip", "netns", "exec", lab.ns, java, dir.resolve("Listen.java").toString(),
                    "22").redirectErrorStream(true).start();
            try (Daemon d = Daemon.start(lab, dir, Configs4Test.full(100))) {
                BufferedReader out = new BufferedReader(new InputStreamReader(listener.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("LISTENING");
                assertThat(connect(cli, "10.213.0.1")).as("IPv4 before the knock").isFalse();
                assertThat(connect(cli, "fd00:213::1")).as("IPv6 before the knock").isFalse();
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("10.213.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(connect(cli, "10.213.0.1")).as("IPv4 after the IPv4 lease").isTrue();
                assertThat(connect(cli, "fd00:213::1")).as("IPv6 without an IPv6 lease").isFalse();
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("fd00:213::2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(connect(cli, "fd00:213::1")).as("IPv6 after the IPv6 lease").isTrue();
                assertThat(Ipc.revoke(d.socket(), 1, 0x10, InetAddress.getByName("10.213.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(connect(cli, "10.213.0.1")).as("IPv4 after revoke").isFalse();
                assertThat(connect(cli, "fd00:213::1")).as("IPv6 still leased").isTrue();
            } finally {
                listener.destroyForcibly();
                listener.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean connect(String ns, String host) {
        Cmd.Result r = Cmd.run(List.of("ip", "netns", "exec", ns, "timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/" + host + "/22"));
        return r.exit() == 0;
    }
}
