package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import letmein.proto.config.ConfigFileTrust.Reader;

/**
 * {@link ConfigFileTrust} on real files with real owners and modes (the tests hand files to uid 65534,
 * so they need root, as CI and the lab run them).
 */
class ConfigFileTrustTest {
    static final int NOBODY = 65534;

    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        assumeThat(ConfigFileTrust.ownUid()).as("these tests change file owners: run them as root").isZero();
        dir = Files.createDirectory(tmp.resolve("etc"));
        Files.setAttribute(dir, "unix:mode", 0755);
    }

    private Path file(int uid, int mode) throws IOException {
        Path f = dir.resolve("letmeind.conf");
        Files.deleteIfExists(f);
        Files.writeString(f, "[KEYS]\n");
        Files.setAttribute(f, "unix:uid", uid);
        Files.setAttribute(f, "unix:mode", mode);
        return f;
    }

    private static List<String> errors(List<ConfigProblem> problems) {
        return problems.stream().filter(ConfigProblem::isError).map(ConfigProblem::toString).toList();
    }

    private static List<String> warnings(List<ConfigProblem> problems) {
        return problems.stream().filter(p -> !p.isError()).map(ConfigProblem::toString).toList();
    }

    @Test
    void rootOwnedAndNotWritableByOthersPasses() throws IOException {
        Path f = file(0, 0640);
        assertThat(ConfigFileTrust.check(f, Reader.LETMEINFWD)).isEmpty();
        assertThat(ConfigFileTrust.check(f, Reader.LETMEIND)).isEmpty();
        assertThat(ConfigFileTrust.check(file(0, 0600), Reader.LETMEINFWD)).isEmpty();
    }

    @Test
    void missingFileIsNoProblemHere() {
        assertThat(ConfigFileTrust.check(dir.resolve("nope.conf"), Reader.LETMEINFWD)).isEmpty();
    }

    @Test
    void worldReadableIsOnlyAWarning() throws IOException {
        Path f = file(0, 0644);
        List<ConfigProblem> p = ConfigFileTrust.check(f, Reader.LETMEINFWD);
        assertThat(errors(p)).isEmpty();
        assertThat(warnings(p)).containsExactly(f + ": warning: " + f + " is world-readable (mode 0644): every local "
                + "user can read its keys. Recommended: chmod 0640 " + f);
    }

    @Test
    void letmeinfwdRefusesAFileNotOwnedByRoot() throws IOException {
        Path f = file(NOBODY, 0640);
        assertThat(errors(ConfigFileTrust.check(f, Reader.LETMEINFWD))).containsExactly(f + ": letmeinfwd trusts a "
                + "configuration file only if nobody but root can change it, but " + f + " is owned by nobody (uid "
                + NOBODY + ") (mode 0640, group root). Fix: chown root:letmeind " + f + " && chmod 0640 " + f);
    }

    @Test
    void letmeindAcceptsItsOwnUserAsOwnerButNoOtherUser() throws IOException {
        Path f = file(NOBODY, 0640);
        // letmeind running as root: uid 65534 is neither root nor letmeind's user
        assertThat(errors(ConfigFileTrust.check(f, Reader.LETMEIND, 0))).singleElement().asString()
                .contains("letmeind trusts a configuration file only if nobody but root, the user letmeind and "
                        + "letmeind's own user can change it")
                .contains("owned by nobody (uid 65534)").endsWith("Fix: chown root:letmeind " + f + " && chmod 0640 " + f);
        // letmeind running as uid 65534: its own file is fine, with upstream's advice to give it to root
        List<ConfigProblem> own = ConfigFileTrust.check(f, Reader.LETMEIND, NOBODY);
        assertThat(errors(own)).isEmpty();
        assertThat(warnings(own)).singleElement().asString().contains("is not owned by root (owner nobody (uid 65534))");
    }

    @Test
    void groupOrWorldWritableIsRefusedByBoth() throws IOException {
        for (int mode : new int[] {0660, 0642, 0666, 0620}) {
            Path f = file(0, mode);
            for (Reader r : Reader.values()) {
                List<String> e = errors(ConfigFileTrust.check(f, r));
                assertThat(e).as("mode %o for %s", mode, r).singleElement().asString()
                        .contains(String.format("(mode %04o, owner root (uid 0), group root)", mode))
                        .endsWith("Fix: chown root:letmeind " + f + " && chmod 0640 " + f);
            }
        }
        Path g = file(0, 0660);
        assertThat(errors(ConfigFileTrust.check(g, Reader.LETMEIND))).singleElement().asString()
                .startsWith(g + ": " + g + " is group-writable (mode 0660");
        Path w = file(0, 0602);
        assertThat(errors(ConfigFileTrust.check(w, Reader.LETMEIND))).singleElement().asString()
                .startsWith(w + ": " + w + " is world-writable (mode 0602");
    }

    @Test
    void directoryOthersCanWriteIsRefused() throws IOException {
        Path f = file(0, 0640);
        Files.setAttribute(dir, "unix:mode", 0775);
        assertThat(errors(ConfigFileTrust.check(f, Reader.LETMEINFWD))).singleElement().asString()
                .contains("the directory " + dir + " holding " + f + " is group-writable without the sticky bit "
                        + "(mode 0775")
                .contains("Fix: chown root " + dir + " && chmod go-w " + dir);
        // sticky and owned by root (as /tmp): nobody else can replace root's file
        Files.setAttribute(dir, "unix:mode", 01777);
        assertThat(errors(ConfigFileTrust.check(f, Reader.LETMEINFWD))).isEmpty();
        Files.setAttribute(dir, "unix:mode", 0755);
        Files.setAttribute(dir, "unix:uid", NOBODY);
        assertThat(errors(ConfigFileTrust.check(f, Reader.LETMEINFWD))).singleElement().asString()
                .contains("the directory " + dir + " holding " + f + " is owned by nobody (uid 65534) (mode 0755), "
                        + "who can replace the file");
        Files.setAttribute(dir, "unix:uid", 0);
    }

    @Test
    void aSymbolicLinkIsJudgedByItsTargetAndBothDirectories() throws IOException {
        Path target = file(0, 0640);
        Path linkDir = Files.createDirectory(tmp.resolve("links"));
        Files.setAttribute(linkDir, "unix:mode", 0777);
        Path link = Files.createSymbolicLink(linkDir.resolve("letmeind.conf"), target);
        List<String> e = errors(ConfigFileTrust.check(link, Reader.LETMEINFWD));
        assertThat(e).singleElement().asString().contains("the directory " + linkDir + " holding " + link
                + " is group- and world-writable without the sticky bit");
        Files.setAttribute(linkDir, "unix:mode", 0755);
        assertThat(ConfigFileTrust.check(link, Reader.LETMEINFWD)).isEmpty();
        Files.setAttribute(target, "unix:mode", 0646);
        assertThat(errors(ConfigFileTrust.check(link, Reader.LETMEINFWD))).singleElement().asString()
                .contains(link + " (-> " + target + ") is world-writable");
    }
}
