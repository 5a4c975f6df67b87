package letmein.daemon;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import io.netty.channel.EventLoop;
import letmein.proto.auth.Messages;
import letmein.proto.config.ServerConfig;

/** What every transport needs to run sessions; one instance per server. */
public record SessionContext(ServerConfig config, Policy policy, Messages messages, FwdClient fwd,
        Admission admission, DecisionLog log) {
    public SessionContext {
        Objects.requireNonNull(config);
        Objects.requireNonNull(policy);
        Objects.requireNonNull(messages);
        Objects.requireNonNull(fwd);
        Objects.requireNonNull(admission);
        Objects.requireNonNull(log);
    }

    public Duration controlTimeout() {
        return config.general().controlTimeout();
    }

    public boolean debug() {
        return config.general().debug();
    }

    /**
     * Sends the session's request to letmeinfwd; its answer goes back into the session on the session's
     * own event loop, and the resulting step to {@code apply} (the transport's step handler, TCP or UDP).
     */
    public void forward(Step.Forward step, Session session, EventLoop loop, Consumer<Step> apply) {
        fwd.send(step.request()).thenAccept(r -> loop.execute(() -> apply.accept(session.onFwdResult(r))));
    }

    public Session newSession(InetSocketAddress peer, String transport, boolean answerRetransmittedOpening) {
        return new Session(config, policy, messages, peer, transport, answerRetransmittedOpening);
    }
}
