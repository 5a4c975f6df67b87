package letmein.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcStatTest {
    // A real /proc/PID/stat line shape; the command name contains ") " to prove fields are counted from the last ')'.
    private static final String STAT = "2190 (java) x) S 1 2190 2190 0 -1 4194560 30000 900 0 0 "
            + "230 90 340 12 20 0 40 0 12345 3000000000 12000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0";

    @Test
    void parsesUserSystemAndChildrenTicks() throws IOException {
        assertThat(ProcStat.parse(STAT)).isEqualTo(new ProcStat(230, 90, 340, 12));
    }

    @Test
    void refusesWhatIsNotAStatLine() {
        assertThatThrownBy(() -> ProcStat.parse("no parenthesis")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ProcStat.parse("1 (x) S 1 2")).isInstanceOf(IOException.class)
                .hasMessageContaining("fields");
        assertThatThrownBy(() -> ProcStat.parse("1 (x) S 1 1 1 0 -1 0 0 0 0 0 a b c d"))
                .isInstanceOf(IOException.class).hasMessageContaining("non-numeric");
    }

    @Test
    void readsThisProcess() throws IOException {
        ProcStat s = ProcStat.read("self");
        assertThat(s.utime()).isGreaterThanOrEqualTo(0);
        assertThat(ProcStat.clockTicksPerSecond()).isPositive();
    }

    @Test
    void findsClockTicksInTheAuxiliaryVector() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(6).putLong(4096).putLong(17).putLong(250).putLong(0).putLong(0);
        assertThat(ProcStat.clkTckFromAuxv(b.array(), ByteOrder.LITTLE_ENDIAN)).isEqualTo(250);
        ByteBuffer none = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        none.putLong(6).putLong(4096).putLong(0).putLong(0);
        assertThat(ProcStat.clkTckFromAuxv(none.array(), ByteOrder.LITTLE_ENDIAN)).isZero();
    }

    @Test
    void cpuEntryConvertsTicksAndDividesBySuccessfulKnocks() {
        ProcStat used = new ProcStat(1030, 290, 340, 12).minus(new ProcStat(800, 200, 0, 0));
        Map<String, Object> m = CpuUsage.entry(used, 100, 731);
        assertThat(m).containsEntry("cpu_ms", 6720.0).containsEntry("user_ms", 2300.0)
                .containsEntry("sys_ms", 900.0).containsEntry("children_ms", 3520.0)
                .containsEntry("us_per_knock", 9192.9);
        assertThat(CpuUsage.entry(used, 100, 0)).containsEntry("us_per_knock", null);
    }
}
