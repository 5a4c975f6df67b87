package letmein.proto.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** A config file larger than this is certainly not a letmein config; refuse instead of reading it all. */
    static final long MAX_FILE_SIZE = 16L * 1024 * 1024;

    private Configs() {
    }

    /** The first existing path of {@code searchPath}, else its first entry. */
    public static Path defaultPath(List<Path> searchPath) {
        for (Path p : searchPath) { // a loop, not a stream: start-up time of the client
            if (Files.exists(p)) {
                return p;
            }
        }
        return searchPath.get(0);
    }

    /** Reads and validates a server config; a missing file is an error. */
    public static ServerConfig loadServer(Path file) throws ConfigException {
        byte[] bytes = read(file);
        if (bytes == null) {
            throw new ConfigException(file, 0, "Configuration file " + file + " does not exist");
        }
        return parseServer(file, bytes);
    }

    /**
     * What a daemon loads: the file read once, parsed ({@link ConfigException} if it does not parse) and
     * checked by {@link ServerConfigCheck}. The file's owner and mode are {@link ConfigFileTrust}'s.
     */
    public static CheckedServerConfig loadServerChecked(Path file) throws ConfigException {
        byte[] bytes = read(file);
        if (bytes == null) {
            throw new ConfigException(file, 0, "Configuration file " + file + " does not exist");
        }
        return checkServer(file, bytes);
    }

    /** As {@link #loadServerChecked}, from bytes already read ({@code file} names them in messages). */
    public static CheckedServerConfig checkServer(Path file, byte[] bytes) throws ConfigException {
        IniDocument doc = IniParser.parse(file, bytes);
        ServerConfig config = ConfigParser.server(file, doc, bytes);
        return new CheckedServerConfig(config, doc, ServerConfigCheck.check(config, doc));
    }

    /** Validates server config text ({@code file} is only used in messages and the record). */
    public static ServerConfig parseServer(Path file, byte[] bytes) throws ConfigException {
        return ConfigParser.server(file, bytes);
    }

    /** Reads a client config; a missing file gives the defaults. */
    public static ClientConfig loadClient(Path file) throws ConfigException {
        byte[] bytes = read(file);
        if (bytes == null) {
            return new ClientConfig(file, false, GeneralConfig.DEFAULT, ClientConfig.DEFAULT_USER, Map.of(), Map.of());
        }
        return parseClient(file, bytes);
    }

    public static ClientConfig parseClient(Path file, byte[] bytes) throws ConfigException {
        return ConfigParser.client(file, bytes);
    }

    /** The file's bytes, or null if it does not exist. */
    private static byte[] read(Path file) throws ConfigException {
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(file, 0, "Configuration file " + file + " is a directory");
            }
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new ConfigException(file, 0, "Configuration file " + file + " is larger than "
                        + MAX_FILE_SIZE + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 0, "Permission denied reading configuration file " + file);
        } catch (IOException | SecurityException e) {
            throw new ConfigException(file, 0, "Cannot read configuration file " + file + ": " + e);
        }
    }

    /**
     * Upstream's permission advice, as warning lines (never fatal): a server file should be owned by
     * root and have none of the mode bits 026 (octal: group-write, other-read, other-write); a client file
     * none of 022 (group-write, other-write). Lines start with "WARNING: " and name the file and the fix.
     */
    public static List<String> permissionWarnings(Path file, boolean server) {
        List<String> warnings = new ArrayList<>();
        if (!Files.exists(file)) {
            return warnings;
        }
        try {
            PosixFileAttributes attrs = Files.readAttributes(file, PosixFileAttributes.class);
            int mode = mode(attrs.permissions());
            if (server) {
                Object uid = Files.getAttribute(file, "unix:uid");
                if (!(uid instanceof Integer) || (Integer) uid != 0) {
                    warnings.add("WARNING: Configuration file " + file + " is not owned by root (uid " + uid
                            + "). Recommended: chown root:letmeind " + file);
                }
                if ((mode & 0026) != 0) {
                    warnings.add(String.format("WARNING: Configuration file %s has insecure permissions %04o "
                            + "(group-writable or world-readable/-writable). Recommended: chmod 0640 %s", file, mode, file));
                }
            } else if ((mode & 0022) != 0) {
                warnings.add(String.format("WARNING: Configuration file %s has insecure permissions %04o "
                        + "(group- or world-writable). Recommended: chmod 0644 %s", file, mode, file));
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            warnings.add("WARNING: Cannot check the permissions of configuration file " + file + ": " + e);
        }
        return warnings;
    }

    static int mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            switch (p) {
                case OWNER_READ: mode |= 0400; break;
                case OWNER_WRITE: mode |= 0200; break;
                case OWNER_EXECUTE: mode |= 0100; break;
                case GROUP_READ: mode |= 0040; break;
                case GROUP_WRITE: mode |= 0020; break;
                case GROUP_EXECUTE: mode |= 0010; break;
                case OTHERS_READ: mode |= 0004; break;
                case OTHERS_WRITE: mode |= 0002; break;
                case OTHERS_EXECUTE: mode |= 0001; break;
                default: break;
            }
        }
        return mode;
    }
}
