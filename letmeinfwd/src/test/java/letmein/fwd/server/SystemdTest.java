package letmein.fwd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class SystemdTest {
    @Test
    void noSocketsWhenTheVariablesAreAbsentOrForAnotherProcess() throws Exception {
        assertThat(Systemd.listenFd(Map.of(), 42)).isEqualTo(OptionalInt.empty());
        assertThat(Systemd.listenFd(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "41"), 42)).isEqualTo(OptionalInt.empty());
        assertThat(Systemd.listenFd(Map.of("LISTEN_FDS", "0", "LISTEN_PID", "42"), 42)).isEqualTo(OptionalInt.empty());
    }

    @Test
    void refusesMoreThanOneSocketOrGarbage() {
        assertThatThrownBy(() -> Systemd.listenFd(Map.of("LISTEN_FDS", "2", "LISTEN_PID", "42"), 42))
                .isInstanceOf(IOException.class).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Systemd.listenFd(Map.of("LISTEN_FDS", "x", "LISTEN_PID", "42"), 42))
                .isInstanceOf(IOException.class).hasMessageContaining("not a number");
    }

    @Test
    void peerPolicyAllowsRootTheUserAndThePrimaryGroupOnly() {
        PeerPolicy p = new PeerPolicy(OptionalInt.of(998), OptionalInt.of(997));
        assertThat(p.allows(0, 0)).isTrue();
        assertThat(p.allows(998, 100)).isTrue();
        assertThat(p.allows(1000, 997)).isTrue();
        assertThat(p.allows(1000, 1000)).isFalse();
        PeerPolicy rootOnly = new PeerPolicy(OptionalInt.empty(), OptionalInt.empty());
        assertThat(rootOnly.allows(65534, 65534)).isFalse();
        assertThat(rootOnly.allows(0, 5)).isTrue();
    }
}
