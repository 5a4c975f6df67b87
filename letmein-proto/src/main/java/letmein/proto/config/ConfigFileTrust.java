package letmein.proto.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a daemon may trust {@code letmeind.conf}: the file holds the keys and says which ports
 * letmeinfwd (root) opens, so nobody but root (and, for letmeind, its own user) may be able to change
 * it. The checks, in this order:
 * <ul>
 * <li>the file's owner: root for letmeinfwd; root, letmeind's own user or the user {@code letmeind} for
 * letmeind — else an error;</li>
 * <li>the file is group- or world-writable (mode bits 022) — an error, whoever owns it;</li>
 * <li>the directory holding the file (and, when the path is a symbolic link, the directory of the link
 * too): an owner the file may not have, or group-/world-writable without the sticky bit — an error,
 * because whoever may write the directory may replace the file (a sticky directory owned by root, such
 * as {@code /tmp}, lets nobody replace a file of root's). Directories further up are not checked;</li>
 * <li>the file is world-readable (mode bit 004) — upstream's warning: every local user can read the
 * keys; and a file letmeind may read but root does not own — upstream's warning, not an error.</li>
 * </ul>
 * A missing file is no problem here (loading it reports that). Every message names the file (or
 * directory), its owner and mode, and the fix.
 */
public final class ConfigFileTrust {
    /** The name of letmeind's system user, which the package and install.sh create. */
    public static final String LETMEIND_USER = "letmeind";

    /** Which daemon reads the file: it decides who may own it. */
    public enum Reader {
        /** letmeind, unprivileged: root, its own user or the user letmeind may own the file. */
        LETMEIND("letmeind"),
        /** letmeinfwd, root: only root may own the file. */
        LETMEINFWD("letmeinfwd");

        private final String program;

        Reader(String program) {
            this.program = program;
        }
    }

    private ConfigFileTrust() {
    }

    /** The problems of {@code file} for {@code reader}, running as this process's user. */
    public static List<ConfigProblem> check(Path file, Reader reader) {
        return check(file, reader, ownUid());
    }

    /** As {@link #check(Path, Reader)}, for a process running as {@code ownUid} (-1: unknown). */
    static List<ConfigProblem> check(Path file, Reader reader, int ownUid) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (!Files.exists(file)) {
            return problems;
        }
        String fix = "Fix: chown root:" + LETMEIND_USER + " " + file + " && chmod 0640 " + file;
        try {
            Path real = file.toRealPath();
            Attrs a = Attrs.of(real);
            String shown = real.equals(file.toAbsolutePath()) ? file.toString() : file + " (-> " + real + ")";
            if (!allowedOwner(a, reader, ownUid)) {
                problems.add(ConfigProblem.error(file, 0, reader.program + " trusts a configuration file only if "
                        + ownersText(reader) + " can change it, but " + shown + " is owned by " + a.owner()
                        + " (mode " + a.modeText() + ", group " + a.group() + "). " + fix));
            }
            if ((a.mode & 0022) != 0) {
                problems.add(ConfigProblem.error(file, 0, shown + " is " + writableText(a.mode) + " (mode "
                        + a.modeText() + ", owner " + a.owner() + ", group " + a.group() + "): others could change "
                        + "its keys and resources, so " + reader.program + " does not trust it. " + fix));
            }
            Set<Path> dirs = new LinkedHashSet<>();
            dirs.add(real.getParent());
            Path parentOfLink = file.toAbsolutePath().getParent();
            if (parentOfLink != null && Files.isSymbolicLink(file)) {
                dirs.add(parentOfLink);
            }
            for (Path dir : dirs) {
                if (dir != null) {
                    directoryProblem(file, dir, reader, ownUid, problems);
                }
            }
            if ((a.mode & 0004) != 0) {
                problems.add(ConfigProblem.warning(file, 0, shown + " is world-readable (mode " + a.modeText()
                        + "): every local user can read its keys. Recommended: chmod 0640 " + file));
            }
            if (a.uid != 0 && allowedOwner(a, reader, ownUid)) {
                problems.add(ConfigProblem.warning(file, 0, shown + " is not owned by root (owner " + a.owner()
                        + "). Recommended: chown root:" + LETMEIND_USER + " " + file));
            }
        } catch (IOException | RuntimeException e) {
            problems.add(ConfigProblem.error(file, 0, "cannot check the owner and mode of " + file + ": " + e
                    + ". " + fix));
        }
        return problems;
    }

    private static void directoryProblem(Path file, Path dir, Reader reader, int ownUid, List<ConfigProblem> out)
            throws IOException {
        Attrs d = Attrs.of(dir);
        String fix = "Fix: chown root " + dir + " && chmod go-w " + dir + " (or move " + file.getFileName()
                + " into a directory only root can write, such as /etc/letmein)";
        if (!allowedOwner(d, reader, ownUid)) {
            out.add(ConfigProblem.error(file, 0, "the directory " + dir + " holding " + file + " is owned by "
                    + d.owner() + " (mode " + d.modeText() + "), who can replace the file. " + fix));
        } else if ((d.mode & 0022) != 0 && (d.mode & 01000) == 0) {
            out.add(ConfigProblem.error(file, 0, "the directory " + dir + " holding " + file + " is "
                    + writableText(d.mode) + " without the sticky bit (mode " + d.modeText() + ", owner " + d.owner()
                    + ", group " + d.group() + "): others can replace the file. " + fix));
        }
    }

    private static boolean allowedOwner(Attrs a, Reader reader, int ownUid) {
        if (a.uid == 0) {
            return true;
        }
        return reader == Reader.LETMEIND && (a.uid == ownUid || LETMEIND_USER.equals(a.ownerName));
    }

    private static String ownersText(Reader reader) {
        return reader == Reader.LETMEINFWD ? "nobody but root"
                : "nobody but root, the user " + LETMEIND_USER + " and letmeind's own user";
    }

    private static String writableText(int mode) {
        boolean g = (mode & 0020) != 0;
        boolean o = (mode & 0002) != 0;
        return g && o ? "group- and world-writable" : g ? "group-writable" : "world-writable";
    }

    /** The effective uid of this process (the owner of /proc/self), or -1 if it cannot be told. */
    static int ownUid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i ? i : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What the checks need of a file or directory (links followed). */
    private record Attrs(int uid, String ownerName, String group, int mode) {
        static Attrs of(Path p) throws IOException {
            int uid = (Integer) Files.getAttribute(p, "unix:uid");
            int mode = (Integer) Files.getAttribute(p, "unix:mode") & 07777;
            PosixFileAttributes posix = Files.readAttributes(p, PosixFileAttributes.class);
            return new Attrs(uid, posix.owner().getName(), posix.group().getName(), mode);
        }

        String owner() {
            return ownerName.equals(Integer.toString(uid)) ? "uid " + uid : ownerName + " (uid " + uid + ")";
        }

        String modeText() {
            return String.format("%04o", mode);
        }
    }
}
