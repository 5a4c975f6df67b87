package letmein.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One plot axis: maps data values to pixels and chooses tick values - linear with "nice" steps (1, 2, 5
 * × 10^k) from zero, or base-2 logarithmic (for client counts 1, 8, 32, 64). Pure, so it is unit-tested.
 *
 * @param min data value at the start of the axis
 * @param max data value at the end (greater than min)
 * @param log2 logarithmic (base 2) instead of linear
 */
record Axis(double min, double max, boolean log2) {

    Axis {
        if (!(max > min) || (log2 && min <= 0)) {
            throw new IllegalArgumentException("bad axis range " + min + ".." + max + (log2 ? " (log)" : ""));
        }
    }

    /** A linear axis from 0 to a nice value at or above the largest datum (empty data: 0..1). */
    static Axis linearFromZero(double dataMax) {
        double top = dataMax > 0 ? niceCeil(dataMax * 1.05) : 1;
        return new Axis(0, top, false);
    }

    /** A base-2 log axis covering [dataMin, dataMax] from power of two to power of two. */
    static Axis log2Covering(double dataMin, double dataMax) {
        if (dataMin <= 0) {
            throw new IllegalArgumentException("log axis needs positive values, not " + dataMin);
        }
        double lo = Math.pow(2, Math.floor(log2(dataMin)));
        double hi = Math.pow(2, Math.ceil(log2(dataMax)));
        return new Axis(lo, hi > lo ? hi : lo * 2, true);
    }

    /** Position of v in [0, 1] along the axis (may fall outside for values out of range). */
    double fraction(double v) {
        if (log2) {
            return (log2(v) - log2(min)) / (log2(max) - log2(min));
        }
        return (v - min) / (max - min);
    }

    /** Pixel of v on an axis drawn from pixel {@code from} (value min) to pixel {@code to} (value max). */
    int pixel(double v, int from, int to) {
        return (int) Math.round(from + fraction(v) * (to - from));
    }

    /** Tick values: every power of two for a log axis; 5 to 9 nice steps for a linear one. */
    List<Double> ticks() {
        List<Double> t = new ArrayList<>();
        if (log2) {
            for (double v = min; v <= max * 1.0000001; v *= 2) {
                t.add(v);
            }
            return t;
        }
        double step = niceStep((max - min) / 8);
        for (long i = (long) Math.ceil(min / step); i * step <= max + step * 1e-9; i++) {
            t.add(i * step);
        }
        return t;
    }

    /** A tick label: integers without decimals, 12,500 as "12.5k", small fractions with what they need. */
    static String label(double v) {
        double a = Math.abs(v);
        if (a >= 1000 && Math.rint(v / 100) * 100 == v) {
            double k = v / 1000;
            return k == Math.rint(k) ? String.format(Locale.ROOT, "%.0fk", k) : String.format(Locale.ROOT, "%.1fk", k);
        }
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** The smallest of 1, 2, 5 × 10^k that is at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || Double.isInfinite(raw)) {
            throw new IllegalArgumentException("step must be positive and finite, not " + raw);
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** The smallest multiple of a nice step (for 5 to 9 ticks) at or above v. */
    static double niceCeil(double v) {
        double step = niceStep(v / 8);
        return Math.ceil(v / step - 1e-9) * step;
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
