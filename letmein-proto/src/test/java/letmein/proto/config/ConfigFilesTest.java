package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/** Loading from disk: missing files, checksums of the raw bytes, permission advice, shipped examples. */
class ConfigFilesTest {
    @TempDir
    Path dir;

    private Path write(String name, String text, String perms) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    private static boolean ownedByRoot(Path f) throws IOException {
        return ((Integer) Files.getAttribute(f, "unix:uid")) == 0;
    }

    @Test
    void missingServerFileIsAnError() {
        Path f = dir.resolve("nope.conf");
        try {
            Configs.loadServer(f);
            throw new AssertionError("expected a ConfigException");
        } catch (ConfigException e) {
            assertThat(e.problem()).isEqualTo("Configuration file " + f + " does not exist");
            assertThat(e.line()).isZero();
            assertThat(e.file()).isEqualTo(f);
        }
    }

    @Test
    void missingClientFileGivesDefaults() throws Exception {
        Path f = dir.resolve("nope.conf");
        ClientConfig c = Configs.loadClient(f);
        assertThat(c).isEqualTo(new ClientConfig(f, false, GeneralConfig.DEFAULT, new UserId(0), Map.of(), Map.of()));
        assertThat(c.general().port()).isEqualTo(new ControlPort(5800, true, false));
    }

    @Test
    void directoryIsAnError() {
        try {
            Configs.loadClient(dir);
            throw new AssertionError("expected a ConfigException");
        } catch (ConfigException e) {
            assertThat(e.problem()).contains("is a directory");
        }
    }

    @Test
    void loadServerChecksumsTheRawBytes() throws Exception {
        String text = "[GENERAL]\r\nport = 5810 / udp\r\n[RESOURCES]\r\n1 = port: 22\r\n";
        Path f = write("letmeind.conf", text, "rw-r-----");
        ServerConfig c = Configs.loadServer(f);
        assertThat(c.file()).isEqualTo(f);
        assertThat(c.checksum()).isEqualTo(ConfigChecksum.of(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(c.general().port()).isEqualTo(new ControlPort(5810, false, true));
    }

    @Test
    void loadErrorsNameTheFileAndLine() throws Exception {
        Path f = write("letmeind.conf", "[GENERAL]\n\nport = 5800, tcp\n", "rw-r-----");
        try {
            Configs.loadServer(f);
            throw new AssertionError("expected a ConfigException");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith(f + ":3: [GENERAL] port: Unknown option: '5800'");
        }
    }

    @Test
    void serverPermissionAdvice() throws Exception {
        Path good = write("good.conf", "", "rw-r-----");
        List<String> goodWarnings = Configs.permissionWarnings(good, true);
        if (ownedByRoot(good)) {
            assertThat(goodWarnings).isEmpty();
        } else {
            assertThat(goodWarnings).singleElement().asString().contains("Recommended: chown root:letmeind");
        }
        for (String perms : List.of("rw-r--r--", "rw-rw----", "rw-r---w-", "rw-rw-rw-")) {
            Path bad = write("bad.conf", "", perms);
            List<String> w = Configs.permissionWarnings(bad, true);
            assertThat(w).filteredOn(s -> s.contains("Recommended: chmod 0640 " + bad)).hasSize(1);
        }
        Path fine = write("fine.conf", "", "r--r-----");
        assertThat(Configs.permissionWarnings(fine, true)).noneMatch(s -> s.contains("chmod"));
    }

    @Test
    void serverFileNotOwnedByRootIsWarnedAbout() throws Exception {
        Path f = write("owned.conf", "", "rw-r-----");
        if (ownedByRoot(f)) {
            // We run as root (CI and the lab do): hand the file to another user to see the warning.
            UserPrincipal nobody = f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(f, nobody);
        }
        assertThat(ownedByRoot(f)).isFalse();
        assertThat(Configs.permissionWarnings(f, true))
                .containsExactly("WARNING: Configuration file " + f + " is not owned by root (uid "
                        + Files.getAttribute(f, "unix:uid") + "). Recommended: chown root:letmeind " + f);
        assertThat(Configs.permissionWarnings(f, false)).isEmpty(); // clients may own their file
    }

    @Test
    void clientPermissionAdvice() throws Exception {
        assertThat(Configs.permissionWarnings(write("a.conf", "", "rw-r--r--"), false)).isEmpty();
        assertThat(Configs.permissionWarnings(write("b.conf", "", "rw-------"), false)).isEmpty();
        for (String perms : List.of("rw-rw-r--", "rw-r--rw-")) {
            Path bad = write("c.conf", "", perms);
            assertThat(Configs.permissionWarnings(bad, false)).singleElement().asString()
                    .contains("Recommended: chmod 0644 " + bad);
        }
    }

    @Test
    void permissionAdviceForMissingFileIsEmpty() {
        assertThat(Configs.permissionWarnings(dir.resolve("missing"), true)).isEmpty();
    }

    /** The shipped example files must stay valid, usable by the demo, and agree with each other. */
    @Test
    void shippedExamplesParse() throws Exception {
        Path conf = Path.of("..", "conf");
        ServerConfig s = Configs.loadServer(conf.resolve("letmeind.conf"));
        ClientConfig c = Configs.loadClient(conf.resolve("letmein.conf"));
        assertThat(c.exists()).isTrue();
        // letmeinfwd's own table, composable with any ruleset (upstream's mode is shown commented out)
        assertThat(s.nftables()).isEqualTo(new NftablesConfig("nft", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(600), 100, 0,
                Optional.of("letmein")));
        assertThat(s.general().errorPolicy()).isEqualTo(ErrorPolicy.BASIC_AUTH);
        PortResource ssh = c.resourceForPort(22, c.defaultUser()).orElseThrow();
        assertThat(s.resource(ssh.id()).orElseThrow()).isInstanceOf(PortResource.class);
        assertThat(((PortResource) s.resource(ssh.id()).orElseThrow()).port()).isEqualTo(22);
        assertThat(s.general().port()).isEqualTo(c.general().port());
        assertThat(Files.readString(conf.resolve("letmeind.conf"))).contains("letmein gen-key -u 00000001");
        assertThat(Files.readString(conf.resolve("letmein.conf"))).contains("letmein gen-key -u 00000001");
        assertThat(s.resource(new ResourceId(0x22))).isPresent();
        // No usable key is shipped: a key in a public file is everybody's key.
        assertThat(s.keys()).isEmpty();
        assertThat(c.keys()).isEmpty();
    }

    /**
     * The shipped server file is refused as it is (no key), naming the lines to fix, and is fine once the
     * line that 'letmein gen-key -u 00000001' prints is put where its comment says.
     */
    @Test
    void shippedServerConfigNeedsAKeyAndThenPasses() throws Exception {
        Path file = Path.of("..", "conf", "letmeind.conf");
        String text = Files.readString(file);
        List<String> lines = List.of(text.split("\n", -1));
        int keysLine = lines.indexOf("[KEYS]") + 1;
        int sshLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("00000022 =")) {
                sshLine = i + 1;
            }
        }
        List<ConfigProblem> problems = Configs.checkServer(file, text.getBytes(StandardCharsets.UTF_8)).problems();
        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                file + ":" + keysLine + ": [KEYS] has no key, so nobody can knock. Fix: make a key with 'letmein "
                        + "gen-key -u 00000001', put the line it prints (00000001 = <64 hex digits>) into [KEYS] of this "
                        + "file and the same line into [KEYS] of the client's letmein.conf",
                file + ":" + sshLine + ": [RESOURCES] resource 00000022 may be opened only by users: 00000001, and "
                        + "none of them has a key in [KEYS], so nobody can open it. Fix: add their keys to [KEYS] "
                        + "('letmein gen-key -u 00000001') or correct the users: list");
        String placeholder = "# 00000001 = (no key installed: run 'letmein gen-key -u 00000001' and put its output line here)\n";
        assertThat(text).contains(placeholder);
        String withKey = text.replace(placeholder, placeholder
                + "00000001 = 5d41402abc4b2a76b9719d911017c592aaaabbbbccccddddeeeeffff00001111\n");
        CheckedServerConfig checked = Configs.checkServer(file, withKey.getBytes(StandardCharsets.UTF_8));
        assertThat(checked.problems()).isEmpty();
        assertThat(checked.hasErrors()).isFalse();
    }
}
