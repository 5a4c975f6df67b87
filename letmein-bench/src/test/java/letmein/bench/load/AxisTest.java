package letmein.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class AxisTest {
    @Test
    void niceStepsAreOneTwoFiveTimesAPowerOfTen() {
        assertThat(Axis.niceStep(1.1)).isEqualTo(2.0);
        assertThat(Axis.niceStep(2.0)).isEqualTo(2.0);
        assertThat(Axis.niceStep(3)).isEqualTo(5.0);
        assertThat(Axis.niceStep(7)).isEqualTo(10.0);
        assertThat(Axis.niceStep(230)).isEqualTo(500.0);
        assertThat(Axis.niceStep(0.013)).isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void linearAxisFromZeroEndsOnATickAboveTheData() {
        Axis a = Axis.linearFromZero(1067);
        assertThat(a.min()).isEqualTo(0);
        assertThat(a.max()).isGreaterThanOrEqualTo(1067).isEqualTo(1200.0);
        assertThat(a.ticks()).containsExactly(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0);
        assertThat(Axis.linearFromZero(0).max()).isEqualTo(1.0);
    }

    @Test
    void ticksOfAnAxisNotStartingAtZeroStayInside() {
        assertThat(new Axis(95, 100.5, false).ticks()).containsExactly(95.0, 96.0, 97.0, 98.0, 99.0, 100.0);
    }

    @Test
    void log2AxisCoversClientCountsWithPowerOfTwoTicks() {
        Axis a = Axis.log2Covering(1, 64);
        assertThat(a.ticks()).containsExactly(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0);
        assertThat(a.pixel(1, 100, 700)).isEqualTo(100);
        assertThat(a.pixel(8, 100, 700)).isEqualTo(400);
        assertThat(a.pixel(64, 100, 700)).isEqualTo(700);
        assertThat(Axis.log2Covering(3, 40).min()).isEqualTo(2.0);
        assertThat(Axis.log2Covering(3, 40).max()).isEqualTo(64.0);
        assertThat(Axis.log2Covering(8, 8).max()).isEqualTo(16.0); // one point still gets a range
    }

    @Test
    void pixelsRunEitherWay() {
        Axis y = new Axis(0, 100, false);
        assertThat(y.pixel(0, 500, 100)).isEqualTo(500); // y grows upwards on screen
        assertThat(y.pixel(25, 500, 100)).isEqualTo(400);
    }

    @Test
    void badRangesAreRefused() {
        assertThatThrownBy(() -> new Axis(5, 5, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Axis(0, 8, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Axis.log2Covering(0, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Axis.niceStep(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void labelsAreShort() {
        assertThat(Axis.label(0)).isEqualTo("0");
        assertThat(Axis.label(20000)).isEqualTo("20k");
        assertThat(Axis.label(12500)).isEqualTo("12.5k");
        assertThat(Axis.label(250)).isEqualTo("250");
        assertThat(Axis.label(2.5)).isEqualTo("2.5");
        assertThat(Axis.label(0.05)).isEqualTo("0.05");
    }

    @Property
    void linearAxisHoldsTheDataAndHasFourToElevenTicks(@ForAll @DoubleRange(min = 0.01, max = 1e9) double max) {
        Axis a = Axis.linearFromZero(max);
        assertThat(a.max()).isGreaterThanOrEqualTo(max);
        assertThat(a.fraction(max)).isBetween(0.0, 1.0);
        assertThat(a.ticks()).hasSizeBetween(4, 11);
        assertThat(a.ticks().get(a.ticks().size() - 1)).isLessThanOrEqualTo(a.max() * (1 + 1e-9));
    }
}
