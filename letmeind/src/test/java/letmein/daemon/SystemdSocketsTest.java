package letmein.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LISTEN_* parsing; the fd classification itself is exercised with real sockets in SystemdIT. */
class SystemdSocketsTest {
    private final SystemdSockets sd = new SystemdSockets(Path.of("/proc"));

    @Test
    void notActivatedWithoutVariablesOrForAnotherPidOrZeroFds() throws Exception {
        assertThat(sd.fromEnvironment(Map.of(), 42)).isEmpty();
        assertThat(sd.fromEnvironment(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "1"), 42)).isEmpty();
        assertThat(sd.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "0"), 42)).isEmpty();
    }

    @Test
    void garbageVariablesAreAClearError() {
        assertThatThrownBy(() -> sd.fromEnvironment(Map.of("LISTEN_PID", "x", "LISTEN_FDS", "1"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("unusable socket from systemd");
        assertThatThrownBy(() -> sd.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "-1"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("LISTEN_FDS=-1");
    }

    @Test
    void aPassedFdThatIsNotASocketIsRefused() throws Exception {
        // fd 0..2 are not sockets under surefire; fd numbers >= 3 that are not open are refused as well
        assertThatThrownBy(() -> sd.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "60"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("fd 3");
    }
}
