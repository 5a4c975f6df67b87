package letmein.daemon.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import letmein.daemon.DaemonOptions;
import letmein.daemon.fwd.FwdClient;
import letmein.daemon.policy.Admission;
import letmein.daemon.policy.UnauthenticatedLog;
import letmein.proto.auth.Messages;
import letmein.proto.auth.Randomness;
import letmein.proto.config.ControlPort;
import letmein.proto.config.ServerConfig;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.daemon.StartupException;
import letmein.proto.reload.ReloadOutcome;
import letmein.proto.reload.Reloader;
import letmein.proto.reload.StableRead;
import letmein.proto.session.MintedChallenges;
import letmein.proto.session.ReplyPolicy;

/**
 * The network side of letmeind: binds or adopts the control sockets and wires each transport to its
 * sessions (TCP: {@link TcpAcceptor}, UDP: {@link UdpDispatcher}). One event-loop thread (like upstream's single-threaded runtime)
 * serving the TCP listener and the UDP socket on the control port, native epoll on Linux and NIO
 * elsewhere. Sockets are bound here or adopted from systemd.
 */
public final class ControlServer implements AutoCloseable {
    /**
     * Failures before authentication written one per line per window (UDP: in all; TCP: per source
     * prefix); the rest are summarised in one line per window.
     */
    static final int UNAUTHENTICATED_LINES_PER_WINDOW = 5;
    static final int UNAUTHENTICATED_WINDOW_SECONDS = 10;

    private final ServerConfig config;
    private final DaemonOptions options;
    private final DaemonLog log;
    private final Randomness randomness;
    private final boolean epoll;
    private final ByteBufAllocator allocator;
    private EventLoopGroup group;
    private FwdClient fwd;
    private Admission admission;
    private UdpDispatcher udp;
    private Channel tcpChannel;
    private Channel udpChannel;
    private java.util.concurrent.ScheduledFuture<?> tcpWindow;
    private UnauthenticatedLog tcpPreAuth;
    /** The running configuration; null until {@link #start}. */
    private volatile Reloader<LiveConfig> live;

    public ControlServer(ServerConfig config, DaemonOptions options, DaemonLog log, Randomness randomness) {
        this.config = Objects.requireNonNull(config);
        this.options = Objects.requireNonNull(options);
        this.log = Objects.requireNonNull(log);
        this.randomness = Objects.requireNonNull(randomness);
        this.epoll = Epoll.isAvailable();
        this.allocator = smallPool();
    }

    /**
     * Frames are 56 bytes: a pool with 64 KiB chunks (instead of Netty's default 4 MiB ones, which the
     * JDK zeroes and so makes resident at the first connection) keeps the idle daemon small.
     */
    private static ByteBufAllocator smallPool() {
        int pageSize = 4096;
        int maxOrder = 4; // chunk = pageSize << maxOrder = 64 KiB
        return new PooledByteBufAllocator(true, 1, 1, pageSize, maxOrder, 0, 0, false);
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return epoll ? "epoll" : "nio";
    }

    /** Opens the sockets and starts serving; on failure nothing is left open. */
    public void start(Listen listen) throws StartupException {
        DefaultThreadFactory threads = new DefaultThreadFactory("letmeind-loop", true);
        group = epoll ? new EpollEventLoopGroup(1, threads) : new NioEventLoopGroup(1, threads);
        try {
            fwd = new FwdClient(options.fwdSocket(), options.fwdTimeout(), group.next(),
                    Math.min(8, options.maxSessions()));
            admission = new Admission(options.maxSessions(), options.effectivePerSource());
            // the challenge secret lives only in this process; a restart makes outstanding challenges invalid,
            // and their clients simply knock again
            LiveConfig first = new LiveConfig(config, new ReplyPolicy(config.general().errorPolicy()),
                    minted(config));
            Reloader<LiveConfig> reloader = new Reloader<>(first, this::next, StableRead.DEFAULT,
                    java.util.Optional.of(letmein.proto.config.ConfigFileTrust.Reader.LETMEIND));
            SessionContext sc = new SessionContext(reloader, new Messages(randomness), fwd, admission, log);
            tcpPreAuth = new UnauthenticatedLog(log, "TCP", true, UNAUTHENTICATED_LINES_PER_WINDOW,
                    UNAUTHENTICATED_WINDOW_SECONDS, config.general().debug());
            TcpAcceptor acceptor = new TcpAcceptor(sc, tcpPreAuth);
            tcpWindow = group.next().scheduleAtFixedRate(tcpPreAuth::endWindow, UNAUTHENTICATED_WINDOW_SECONDS,
                    UNAUTHENTICATED_WINDOW_SECONDS, TimeUnit.SECONDS);
            boolean[] pending = new boolean[1];
            admission.onCapacityChange(() -> {
                if (!pending[0]) {
                    pending[0] = true;
                    group.next().execute(() -> {
                        pending[0] = false;
                        acceptor.capacityChanged();
                    });
                }
            });
            udp = new UdpDispatcher(sc, new UnauthenticatedLog(log, "UDP", false, UNAUTHENTICATED_LINES_PER_WINDOW,
                    UNAUTHENTICATED_WINDOW_SECONDS, config.general().debug()));
            ControlPort port = config.general().port();
            if (listen instanceof Listen.Bind) {
                bind((Listen.Bind) listen, port, acceptor);
            } else {
                adopt((Listen.Inherited) listen, port, acceptor);
            }
            if (tcpChannel == null && udpChannel == null) {
                throw new StartupException("no control socket: the config enables "
                        + port + " but no matching socket was available");
            }
            live = reloader;
        } catch (StartupException e) {
            close();
            throw e;
        } catch (RuntimeException e) {
            close();
            throw new StartupException("cannot start the control sockets: " + e.getMessage(), e);
        }
    }

    private MintedChallenges minted(ServerConfig c) {
        return new MintedChallenges(randomness.bytes(32), c.general().controlTimeout(), System::nanoTime);
    }

    /**
     * The snapshot for a reloaded file. The challenges stay unless the control-timeout (their slot length)
     * changed; then a new secret makes every outstanding challenge invalid, and the clients knock again.
     */
    private LiveConfig next(LiveConfig running, ServerConfig next) {
        MintedChallenges m = running.config().general().controlTimeout().equals(next.general().controlTimeout())
                ? running.minted() : minted(next);
        return new LiveConfig(next, new ReplyPolicy(next.general().errorPolicy()), m);
    }

    /**
     * Re-reads letmeind.conf and, if it is valid and changes no restart-only setting, applies it to every
     * session that begins from now on; logs one line either way. Safe from any thread.
     */
    public ReloadOutcome reload(String trigger) {
        Reloader<LiveConfig> r = live;
        ReloadOutcome o = r == null ? new ReloadOutcome.Refused("letmeind is still starting", trigger)
                : r.reload(trigger);
        if (o instanceof ReloadOutcome.Refused) {
            log.warn(o.logLine());
        } else {
            log.info(o.logLine());
        }
        return o;
    }

    /** The running configuration (tests). */
    public ServerConfig config() {
        Reloader<LiveConfig> r = live;
        return r == null ? config : r.current().config();
    }

    private void bind(Listen.Bind b, ControlPort port, TcpAcceptor acceptor) throws StartupException {
        if (port.tcp()) {
            InetSocketAddress at = new InetSocketAddress(b.host(), b.tcpPort());
            ServerBootstrap sb = new ServerBootstrap().group(group)
                    .option(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .childOption(ChannelOption.ALLOCATOR, allocator)
                    .childHandler(acceptor);
            if (epoll) {
                sb.channelFactory(() -> new EpollServerSocketChannel(InternetProtocolFamily.IPv6));
            } else {
                sb.channel(NioServerSocketChannel.class);
            }
            tcpChannel = await(sb.bind(at), "bind TCP " + at);
        }
        if (port.udp()) {
            InetSocketAddress at = new InetSocketAddress(b.host(), b.udpPort());
            Bootstrap bs = new Bootstrap().group(group).option(ChannelOption.ALLOCATOR, allocator)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, UdpDispatcher.WATER_MARK).handler(udp);
            if (epoll) {
                bs.channelFactory(() -> new EpollDatagramChannel(InternetProtocolFamily.IPv6));
            } else {
                bs.channelFactory(() -> new NioDatagramChannel(InternetProtocolFamily.IPv6));
            }
            udpChannel = await(bs.bind(at), "bind UDP " + at);
        }
    }

    private void adopt(Listen.Inherited in, ControlPort port, TcpAcceptor acceptor) throws StartupException {
        if (!epoll) {
            throw new StartupException("systemd socket activation needs Netty's native epoll transport, "
                    + "which is unavailable here; run with --no-systemd");
        }
        if (in.tcpFd().isPresent()) {
            int fd = in.tcpFd().getAsInt();
            if (port.tcp()) {
                ServerBootstrap sb = new ServerBootstrap().group(group)
                        .option(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                        .option(ChannelOption.ALLOCATOR, allocator)
                        .childOption(ChannelOption.ALLOCATOR, allocator)
                        .channelFactory(() -> new EpollServerSocketChannel(fd))
                        .childHandler(acceptor);
                tcpChannel = await(sb.register(), "adopt systemd TCP socket fd " + fd);
                } else {
                new EpollServerSocketChannel(fd).unsafe().closeForcibly();
                log.warn("letmeind: closing the TCP socket passed by systemd: the config does not enable TCP ("
                        + port + ")");
            }
        }
        if (in.udpFd().isPresent()) {
            int fd = in.udpFd().getAsInt();
            if (port.udp()) {
                Bootstrap bs = new Bootstrap().group(group).option(ChannelOption.ALLOCATOR, allocator)
                        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, UdpDispatcher.WATER_MARK)
                        .channelFactory(() -> new EpollDatagramChannel(fd))
                        .handler(udp);
                udpChannel = await(bs.register(), "adopt systemd UDP socket fd " + fd);
            } else {
                new EpollDatagramChannel(fd).unsafe().closeForcibly();
                log.warn("letmeind: closing the UDP socket passed by systemd: the config does not enable UDP ("
                        + port + ")");
            }
        }
        if (port.tcp() && tcpChannel == null) {
            log.warn("letmeind: the config enables TCP (" + port + ") but systemd passed no TCP socket; "
                    + "add ListenStream= to letmeind.socket");
        }
        if (port.udp() && udpChannel == null) {
            log.warn("letmeind: the config enables UDP (" + port + ") but systemd passed no UDP socket; "
                    + "add ListenDatagram= to letmeind.socket");
        }
    }

    private static Channel await(io.netty.channel.ChannelFuture f, String what) throws StartupException {
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            throw new StartupException("cannot " + what + ": " + (c == null ? "unknown error" : c.getMessage()), c);
        }
        return f.channel();
    }

    public Optional<InetSocketAddress> tcpAddress() {
        return Optional.ofNullable(tcpChannel).map(c -> (InetSocketAddress) c.localAddress());
    }

    public Optional<InetSocketAddress> udpAddress() {
        return Optional.ofNullable(udpChannel).map(c -> (InetSocketAddress) c.localAddress());
    }

    /** Live sessions over both transports (tests, leak checks); read on the event loop. */
    public int sessions() {
        return onLoop(() -> admission.sessions());
    }

    /** Verified UDP sessions (waiting for letmeinfwd); read on the event loop. */
    public int udpSessions() {
        return onLoop(() -> udp.sessions());
    }

    /** UDP peers remembered after a CHALLENGE (they hold no session slot); read on the event loop. */
    public int udpChallenged() {
        return onLoop(() -> udp.challenged());
    }

    /** TCP sessions closed so far to give their slot to a source with fewer sessions; read on the event loop. */
    public long evictions() {
        return onLoop(() -> admission.evictions());
    }

    /** Distinct sources with live sessions; read on the event loop. */
    public int sources() {
        return onLoop(() -> admission.sources());
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> c) {
        try {
            return group.submit(c).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("event loop did not answer: " + e, e);
        }
    }

    /** Closes the sockets and stops the event loop; sessions in flight are dropped. */
    @Override
    public void close() {
        if (tcpChannel != null) {
            tcpChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (udpChannel != null) {
            udpChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (tcpWindow != null && tcpWindow.cancel(false)) {
            UnauthenticatedLog last = tcpPreAuth;
            group.submit(last::endWindow).awaitUninterruptibly(1, TimeUnit.SECONDS); // the last summary
        }
        if (fwd != null) {
            fwd.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}
