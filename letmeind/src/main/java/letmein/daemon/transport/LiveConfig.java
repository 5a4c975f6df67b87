package letmein.daemon.transport;

import java.util.Objects;

import letmein.proto.config.ServerConfig;
import letmein.proto.reload.Reloader;
import letmein.proto.session.MintedChallenges;
import letmein.proto.session.ReplyPolicy;

/**
 * Everything letmeind derives from one letmeind.conf, built once per reload and never changed: the parsed
 * file, its error policy, and the UDP challenges (whose slot is the control-timeout; a reload that keeps
 * the control-timeout keeps them, so challenges sent before the reload still verify).
 */
public record LiveConfig(ServerConfig config, ReplyPolicy policy, MintedChallenges minted) implements Reloader.Snapshot {
    public LiveConfig {
        Objects.requireNonNull(config);
        Objects.requireNonNull(policy);
        Objects.requireNonNull(minted);
    }
}
