package letmein.fwd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import letmein.proto.daemon.SocketActivation;
import letmein.proto.daemon.StartupException;

class InheritedListenerTest {
    @Test
    void noSocketsWhenTheVariablesAreAbsentOrForAnotherProcess() throws Exception {
        assertThat(InheritedListener.activated(Map.of(), 42)).isFalse();
        assertThat(InheritedListener.activated(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "41"), 42)).isFalse();
        assertThat(InheritedListener.activated(Map.of("LISTEN_FDS", "0", "LISTEN_PID", "42"), 42)).isFalse();
        assertThat(InheritedListener.activated(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "42"), 42)).isTrue();
    }

    @Test
    void refusesMoreThanOneSocketOrGarbage() {
        assertThatThrownBy(() -> InheritedListener.activated(Map.of("LISTEN_FDS", "2", "LISTEN_PID", "42"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("exactly one");
        // the wording of letmein-proto's SocketActivation, which reads both variables
        assertThatThrownBy(() -> InheritedListener.activated(Map.of("LISTEN_FDS", "x", "LISTEN_PID", "42"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("not numbers");
    }

    @Test
    void withoutASocketOnStdinTheErrorSaysHowToPassIt() {
        // surefire's stdin is a pipe, not a listening AF_UNIX socket
        assertThatThrownBy(() -> InheritedListener.fromStdin(new SocketActivation(Path.of("/proc"))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("bin/letmeinfwd").hasMessageContaining("StandardInput=socket");
    }
}
