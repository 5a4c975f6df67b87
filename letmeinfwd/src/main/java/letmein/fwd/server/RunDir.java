package letmein.fwd.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

import letmein.proto.daemon.RunPaths;

/**
 * {@code <rundir>/letmeinfwd} ({@link RunPaths}): the directory (0750, group letmeind when it exists),
 * which holds the pid file ({@link letmein.proto.daemon.PidFile}) and, when letmeinfwd binds it itself,
 * the socket (0660, same group; a stale socket is replaced, anything else there is an error).
 */
public final class RunDir {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private final RunPaths paths;
    private final Optional<GroupPrincipal> group;

    private RunDir(RunPaths paths, Optional<GroupPrincipal> group) {
        this.paths = paths;
        this.group = group;
    }

    /** Creates (or fixes) {@code <rundir>/letmeinfwd} with mode 0750 and {@code group}. */
    public static RunDir create(RunPaths paths, Optional<GroupPrincipal> group) throws IOException {
        Path dir = paths.fwdDir();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " exists and is not a directory");
            }
        } else {
            Files.createDirectories(dir);
        }
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        fix(view, PosixFilePermissions.fromString("rwxr-x---"), group);
        return new RunDir(paths, group);
    }

    /** {@code <rundir>/letmeinfwd/letmeinfwd.sock}. */
    public Path socketPath() {
        return paths.fwdSocket();
    }

    /** Removes a stale socket at the socket path; refuses to touch anything else there. */
    public void clearStaleSocket() throws IOException {
        Path p = socketPath();
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(p + " exists and is not a socket; refusing to replace it");
        }
        Files.delete(p);
    }

    /** After bind: mode 0660 and the letmeind group, so letmeind (and only it) can connect. */
    public void secureSocket() throws IOException {
        if (Files.isSymbolicLink(socketPath())) {
            throw new IOException(socketPath() + " was replaced by a symbolic link");
        }
        // by path: opening a socket with O_NOFOLLOW (as the JDK does for NOFOLLOW_LINKS) fails with ENXIO
        PosixFileAttributeView view = Files.getFileAttributeView(socketPath(), PosixFileAttributeView.class);
        fix(view, PosixFilePermissions.fromString("rw-rw----"), group);
    }

    /**
     * Sets mode and group only where they differ, so a directory prepared by systemd
     * (RuntimeDirectory=, RuntimeDirectoryMode=0750, Group=letmeind) needs no chown/chmod at all and the
     * unit's system-call filter can deny @chown.
     */
    private static void fix(PosixFileAttributeView view, Set<PosixFilePermission> mode, Optional<GroupPrincipal> group)
            throws IOException {
        PosixFileAttributes now = view.readAttributes();
        if (group.isPresent() && !group.get().equals(now.group())) {
            view.setGroup(group.get());
        }
        if (!now.permissions().equals(mode)) {
            view.setPermissions(mode);
        }
    }

    /** Best-effort removal of the socket at exit (only when letmeinfwd bound it itself). */
    public void removeSocket() {
        try {
            Files.deleteIfExists(socketPath());
        } catch (IOException e) {
            // nothing useful to do at exit; a stale socket is replaced at the next start
        }
    }
}
