package letmein.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client's randomness source: right sizes, fresh bytes every call, no tiny requests. */
class UrandomRandomnessTest {
    @Test
    void freshBytesOfTheRequestedSize() {
        UrandomRandomness r = new UrandomRandomness();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            byte[] b = r.bytes(i % 2 == 0 ? 8 : 32);
            assertThat(b).hasSize(i % 2 == 0 ? 8 : 32);
            assertThat(seen.add(HexFormat.of().formatHex(b))).isTrue();
        }
    }

    @Test
    void refusesTinyRequests() {
        assertThatThrownBy(() -> new UrandomRandomness().bytes(4)).isInstanceOf(IllegalArgumentException.class);
    }
}
