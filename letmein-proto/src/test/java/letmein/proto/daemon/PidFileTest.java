package letmein.proto.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
    @TempDir
    Path tmp;

    @Test
    void createsDirectoryAndWritesPidWithNewline() throws Exception {
        PidFile f = new PidFile(tmp.resolve("run/letmeind/letmeind.pid"));
        f.write(4242);
        assertThat(Files.readString(f.path())).isEqualTo("4242\n");
        f.write(7);
        assertThat(Files.readString(f.path())).isEqualTo("7\n");
        f.remove();
        assertThat(f.path()).doesNotExist();
    }

    @Test
    void refusesSymlinkedPidFileAndLeavesTheTargetAlone() throws Exception {
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "precious");
        Path dir = Files.createDirectories(tmp.resolve("letmeind"));
        Files.createSymbolicLink(dir.resolve("letmeind.pid"), victim);
        assertThatThrownBy(() -> new PidFile(dir.resolve("letmeind.pid")).write(1))
                .isInstanceOf(StartupException.class).hasMessageContaining("symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("precious");
    }

    @Test
    void refusesSymlinkedDirectoryAndNonDirectory() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(tmp.resolve("letmeind"), real);
        assertThatThrownBy(() -> new PidFile(tmp.resolve("letmeind/letmeind.pid")).write(1))
                .isInstanceOf(StartupException.class).hasMessageContaining("symbolic link");
        Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> new PidFile(tmp.resolve("file/letmeind.pid")).write(1))
                .isInstanceOf(StartupException.class).hasMessageContaining("not a directory");
    }
}
