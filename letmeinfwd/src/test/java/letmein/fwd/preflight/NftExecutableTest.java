package letmein.fwd.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import letmein.proto.config.CheckedServerConfig;
import letmein.proto.config.ConfigException;
import letmein.proto.config.ConfigProblem;
import letmein.proto.config.Configs;

/** {@link NftExecutable} with real files in real directories: found, missing, not executable. */
class NftExecutableTest {
    static final Path FILE = Path.of("/etc/letmein/letmeind.conf");

    @TempDir
    Path dir;

    static CheckedServerConfig config(String exeLine) throws ConfigException {
        String text = "[KEYS]\n1 = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\n"
                + "[NFTABLES]\n" + exeLine + "family = inet\ntable = filter\nchain-input = IN\n";
        return Configs.checkServer(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    private Path script(Path in, String name, int mode) throws IOException {
        Files.createDirectories(in);
        Path p = in.resolve(name);
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setAttribute(p, "unix:mode", mode);
        return p;
    }

    @Test
    void bareNameIsSearchedInPathInOrder() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        script(a, "nft", 0644); // not executable: skipped, as execvp does
        Path good = script(b, "nft", 0755);
        Map<String, String> env = Map.of("PATH", a + ":" + dir.resolve("none") + ":" + b);
        assertThat(NftExecutable.resolve("nft", env)).contains(good);
        assertThat(NftExecutable.check(config("exe = nft\n"), env)).isEmpty();
        // the default exe (no exe option) is nft too
        assertThat(NftExecutable.check(config(""), env)).isEmpty();
    }

    @Test
    void bareNameNotInPathIsAnErrorAtTheExeLine() throws Exception {
        Path a = dir.resolve("a");
        Path plain = script(a, "nft", 0644);
        Optional<ConfigProblem> p = NftExecutable.check(config("exe = nft\n"), Map.of("PATH", a.toString()));
        assertThat(p).get().satisfies(x -> {
            assertThat(x.isError()).isTrue();
            assertThat(x.toString()).isEqualTo(FILE + ":5: [NFTABLES] exe = nft: no executable 'nft' in letmeinfwd's "
                    + "PATH (" + a + "); found but not executable: " + plain + " (mode 0644, owner root). Fix: install "
                    + "nftables (apt-get install nftables) or set exe to the full path of nft (e.g. exe = "
                    + "/usr/sbin/nft), or add nft's directory to PATH");
        });
        // without an exe option the problem points at [NFTABLES] and says it is the default
        assertThat(NftExecutable.check(config(""), Map.of("PATH", dir.resolve("empty").toString()))).get()
                .satisfies(x -> assertThat(x.toString()).startsWith(FILE + ":4: [NFTABLES] exe = nft (the default): "
                        + "no executable 'nft' in letmeinfwd's PATH (" + dir.resolve("empty") + ")."));
    }

    @Test
    void pathsAreCheckedAsGiven() throws Exception {
        Path missing = dir.resolve("sbin/nft");
        assertThat(NftExecutable.check(config("exe = " + missing + "\n"), Map.of())).get().asString()
                .isEqualTo(FILE + ":5: [NFTABLES] exe = " + missing + ": " + missing + " does not exist. Fix: install "
                        + "nftables (apt-get install nftables) or set exe to the full path of nft (e.g. exe = /usr/sbin/nft)");
        Path plain = script(dir, "nft", 0600);
        assertThat(NftExecutable.check(config("exe = " + plain + "\n"), Map.of())).get().asString()
                .contains(plain + " is not executable (mode 0600, owner root). Fix: chmod 0755 " + plain);
        assertThat(NftExecutable.check(config("exe = " + dir + "/\n"), Map.of())).get().asString()
                .contains("is a directory, not the nft executable");
        Files.setAttribute(plain, "unix:mode", 0700);
        assertThat(NftExecutable.check(config("exe = " + plain + "\n"), Map.of())).isEmpty();
    }

    @Test
    void withoutPathTheJdkDefaultIsUsed() {
        // /bin/sh exists on every machine these tests run on; the JDK starts it by name with no PATH
        assertThat(NftExecutable.resolve("sh", Map.of())).isPresent();
        assertThat(NftExecutable.resolve("no-such-program-letmein", Map.of())).isEmpty();
    }
}
