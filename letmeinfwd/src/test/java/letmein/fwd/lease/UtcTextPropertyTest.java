package letmein.fwd.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class UtcTextPropertyTest {
    /** The hand-written calendar arithmetic prints exactly what java.time prints, years 1970–9999. */
    @Property(tries = 10_000)
    void matchesInstantToString(@ForAll @LongRange(min = 0, max = 253_402_300_799L) long epochSecond) {
        assertThat(UtcText.format(epochSecond)).isEqualTo(Instant.ofEpochSecond(epochSecond).toString());
    }

    @Property(tries = 100)
    void leapDaysAndYearEnds(@ForAll @LongRange(min = 0, max = 3) long offset) {
        for (String day : new String[] {"2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "2100-03-01T00:00:00Z",
                "2026-12-31T23:59:59Z", "1970-01-01T00:00:00Z"}) {
            long s = Instant.parse(day).getEpochSecond() + offset;
            assertThat(UtcText.format(s)).isEqualTo(Instant.ofEpochSecond(s).toString());
        }
    }
}
