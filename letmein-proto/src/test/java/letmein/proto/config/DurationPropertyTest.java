package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Durations written as plain decimals ({@code 3.0}, {@code .25}) take a hand-written fast path; it must
 * mean exactly what the general path (regular expression + BigDecimal) means, including the limits.
 */
class DurationPropertyTest {
    private static final Values.Where W = new Values.Where(Path.of("t.conf"), 1, "GENERAL", "control-timeout");

    private static Duration viaBigDecimal(String t) {
        BigDecimal nanos = new BigDecimal(t).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN);
        return Duration.ofNanos(nanos.longValueExact());
    }

    @Property(tries = 10_000)
    void plainDecimalsMeanWhatBigDecimalSays(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int fraction, @ForAll @IntRange(min = 0, max = 9) int decimals,
            @ForAll boolean dropWhole) throws Exception {
        String frac = String.format("%09d", fraction).substring(0, decimals);
        String t = (dropWhole && seconds == 0 && decimals > 0 ? "" : Long.toString(seconds)) + "." + frac;
        Duration expected = viaBigDecimal(t);
        if (expected.compareTo(Duration.ofMillis(1)) < 0) {
            assertThatThrownBy(() -> Values.duration(t, W)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("is too short");
        } else if (expected.compareTo(Duration.ofSeconds(0xFFFF_FFFFL)) > 0) {
            assertThatThrownBy(() -> Values.duration(t, W)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("invalid duration");
        } else {
            assertThat(Values.duration(t, W)).as(t).isEqualTo(expected);
        }
    }

    @Property(tries = 2_000)
    void otherFormsStillTakeTheGeneralPathAndBadOnesFail(@ForAll @IntRange(min = 1, max = 100_000) int n) throws Exception {
        assertThat(Values.duration(n + ".5e-1", W)).isEqualTo(viaBigDecimal(n + ".5e-1"));
        assertThat(Values.duration("+" + n + ".5", W)).isEqualTo(viaBigDecimal(n + ".5"));
        assertThat(Values.duration(n + ".0000000005", W)).isEqualTo(viaBigDecimal(n + ".0000000005"));
        assertThat(Values.duration(n + ".", W)).isEqualTo(Duration.ofSeconds(n));
        assertThatThrownBy(() -> Values.duration("0.", W)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is too short");
        assertThatThrownBy(() -> Values.duration(".", W)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> Values.duration("-" + n + ".5", W)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> Values.duration(n + ".5.5", W)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid duration");
    }
}
