package letmein.proto.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Entry points for reading {@code letmeind.conf} and {@code letmein.conf}. Every failure is a
 * {@link ConfigException} naming file, line and problem.
 */
public final class Configs {
    /** Default server config locations, first existing wins (Debian package, upstream install, plain). */
    public static final List<Path> SERVER_SEARCH_PATH = List.of(Path.of("/etc/letmein/letmeind.conf"),
            Path.of("/opt/letmein/etc/letmeind.conf"), Path.of("/etc/letmeind.conf"));
    /** Default client config locations, first existing wins. */
    public static final List<Path> CLIENT_SEARCH_PATH = List.of(Path.of("/etc/letmein/letmein.conf"),
            Path.of("/opt/letmein/etc/letmein.conf"), Path.of("/etc/letmein.conf"));

    private Configs() {
    }

    /** The first existing path of {@code searchPath}, else its first entry. */
    public static Path defaultPath(List<Path> searchPath) {
        return searchPath.stream().filter(java.nio.file.Files::exists).findFirst().orElse(searchPath.get(0));
    }

    /** Reads and validates a server config; a missing file is an error. */
    public static ServerConfig loadServer(Path file) throws ConfigException {
        throw new UnsupportedOperationException("TODO(config parser)");
    }

    /** Validates server config text ({@code file} is only used in messages and the record). */
    public static ServerConfig parseServer(Path file, byte[] bytes) throws ConfigException {
        throw new UnsupportedOperationException("TODO(config parser)");
    }

    /** Reads a client config; a missing file gives the defaults. */
    public static ClientConfig loadClient(Path file) throws ConfigException {
        throw new UnsupportedOperationException("TODO(config parser)");
    }

    public static ClientConfig parseClient(Path file, byte[] bytes) throws ConfigException {
        throw new UnsupportedOperationException("TODO(config parser)");
    }

    /**
     * Upstream's permission advice, as warning lines (never fatal): a server file should be owned by
     * root and have no bits of 0o026; a client file no bits of 0o022.
     */
    public static List<String> permissionWarnings(Path file, boolean server) {
        throw new UnsupportedOperationException("TODO(config parser)");
    }
}
