package letmein.client.net;

import java.time.Duration;

/**
 * How a UDP knock copes with lost datagrams: a new attempt (fresh socket, so a fresh server session)
 * is started when no reply came within the current gap; the gap grows by {@code growth} up to
 * {@code maxGap}. Every attempt keeps listening until the overall {@code control-timeout}, so a late
 * reply still counts. With the defaults about 30 attempts fit into the default 5 s, enough for ≥ 99%
 * success at 30% random loss each way (one attempt succeeds with 0.7⁴ ≈ 0.24).
 */
public record RetryPolicy(Duration firstGap, double growth, Duration maxGap) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(40), 1.12, Duration.ofMillis(200));

    public RetryPolicy {
        if (firstGap.isNegative() || firstGap.isZero() || growth < 1.0 || maxGap.compareTo(firstGap) < 0) {
            throw new IllegalArgumentException("invalid retry policy");
        }
    }

    /** The gap after {@code gapNanos}. */
    long next(long gapNanos) {
        return Math.min((long) (gapNanos * growth), maxGap.toNanos());
    }
}
