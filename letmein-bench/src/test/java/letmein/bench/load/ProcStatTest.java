package letmein.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading CPU times from /proc/PID/stat lines, including hostile command names. */
class ProcStatTest {
    @Test
    void fieldsAreCountedFromTheLastParenthesis() {
        String line = "4242 (nft -j) (x)) S 1 4242 4242 0 -1 4194560 120 0 0 0 731 96 15 4 20 0 1 0 5 1 2 3 4";
        assertThat(ProcStat.parse(line)).containsExactly(731, 96, 15, 4);
    }

    @Test
    void aTruncatedLineIsRejected() {
        assertThatThrownBy(() -> ProcStat.parse("4242 (nft) S 1 2 3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fields after the name");
        assertThatThrownBy(() -> ProcStat.parse("garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thisProcessIsMeasuredAndAMissingOneIsNot() {
        assertThat(ProcHandleBusy.spin()).isPositive();
        long own = ProcStat.selfTicks(); // read first: the counters only grow
        assertThat(own).isGreaterThanOrEqualTo(0);
        assertThat(ProcStat.cpuTicks(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(own);
        assertThat(ProcStat.cpuTicks(Long.MAX_VALUE)).as("no such process").isEqualTo(-1);
    }

    /** Burns a little CPU so that the tick counters are not all zero. */
    static final class ProcHandleBusy {
        static long spin() {
            long x = 1;
            long end = System.nanoTime() + 30_000_000L;
            while (System.nanoTime() < end) {
                x = x * 31 + 7;
            }
            return x == 0 ? 1 : Math.abs(x) + 1;
        }
    }
}
