package letmein.fwd.reload;

import java.util.Objects;

import letmein.fwd.check.RequestCheck;
import letmein.fwd.lease.LeaseBook;
import letmein.proto.config.ServerConfig;
import letmein.proto.reload.Reloader;

/**
 * Everything letmeinfwd derives from one letmeind.conf, built once per reload and never changed: the
 * request check, the lease limits and the accepted checksums. A request uses one snapshot from start to
 * end.
 */
public record FwdConfig(ServerConfig config, RequestCheck check, LeaseBook.Limits limits, ChecksumRule checksums)
        implements Reloader.Snapshot {
    public FwdConfig {
        Objects.requireNonNull(config);
        Objects.requireNonNull(check);
        Objects.requireNonNull(limits);
        Objects.requireNonNull(checksums);
    }
}
