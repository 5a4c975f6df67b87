package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.fwd.FwdMessage;

/**
 * Socket activation as systemd does it (LISTEN_FDS/LISTEN_PID, the listener at fd 3 in blocking mode,
 * READY=1 to NOTIFY_SOCKET), driven by systemd-socket-activate through bin/letmeinfwd (which moves fd 3 to
 * stdin) and systemd-notify (READY=1). Netty only stands in for systemd's notify socket here.
 */
class FwdSystemdIT {
    @Test
    void servesOnTheInheritedSocketAndNotifiesReadiness() throws Exception {
        if (Cmd.run(List.of("sh", "-c", "command -v systemd-socket-activate")).exit() != 0) {
            throw new AssertionError("this test needs systemd-socket-activate (Debian package systemd)");
        }
        try (Lab lab = Lab.create("s")) {
            Path dir = lab.newDir();
            Path conf = dir.resolve("letmeind.conf");
            Files.writeString(conf, Configs4Test.full(100));
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r-----"));
            ConfigChecksum cs = ConfigChecksum.of(Files.readAllBytes(conf));
            Path sock = dir.resolve("fwd.sock");
            Path notify = dir.resolve("notify");
            EpollEventLoopGroup group = new EpollEventLoopGroup(1);
            CompletableFuture<String> ready = new CompletableFuture<>();
            Channel notifyChannel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            ready.complete(p.content().toString(StandardCharsets.US_ASCII));
                        }
                    }).bind(new DomainSocketAddress(notify.toString())).sync().channel();
            Path log = dir.resolve("activate.log");
            Process p = new ProcessBuilder("systemd-socket-activate", "-l", sock.toString(), "-E",
                    "NOTIFY_SOCKET=" + notify, "ip", "netns", "exec", lab.ns, Lab.REPO.resolve("bin/letmeinfwd").toString(),
                    "-c", conf.toString(), "--rundir", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                long end = System.nanoTime() + 10_000_000_000L;
                while (!Files.exists(sock) && System.nanoTime() < end) {
                    Daemon.sleep(20);
                }
                // the first connection starts the daemon (systemd-socket-activate waits for it)
                for (int i = 0; i < 3; i++) {
                    assertThat(Ipc.install(sock, 1, 0x10, InetAddress.getByName("10.8.0." + (i + 1)), cs))
                            .as(Files.readString(log)).isEqualTo(new FwdMessage.Ack());
                }
                assertThat(ready.get(20, TimeUnit.SECONDS)).isEqualTo("READY=1");
                assertThat(lab.elements("letmein-v4")).containsKeys("10.8.0.1 . tcp . 22", "10.8.0.3 . tcp . 22");
                String out = Files.readString(log);
                // bin/letmeinfwd moved fd 3 to stdin; the JVM took it as System.inheritedChannel()
                assertThat(out).contains("serving on the socket passed by systemd (" + sock + ", on stdin)",
                        "READY=1 sent");
                assertThat(Files.exists(dir.resolve("letmeinfwd/letmeinfwd.sock"))).as("binds nothing itself").isFalse();
                Cmd.run(List.of("kill", "-TERM", Long.toString(p.pid()))).ok("kill");
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(Files.readString(log)).isZero();
                // port leases outlive letmeinfwd: they stay until their kernel timeout
                assertThat(lab.elements("letmein-v4")).containsKeys("10.8.0.1 . tcp . 22", "10.8.0.3 . tcp . 22");
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                notifyChannel.close().sync();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }
}
