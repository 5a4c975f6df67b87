package letmein.fwd.reload;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import letmein.proto.config.ConfigChecksum;

/**
 * Which config checksum letmeinfwd accepts in a request. Pure: the time is passed in.
 *
 * <p>The running file's checksum always. After a reload, also the checksum of the file it replaced, for
 * {@code grace} from the reload on: letmeind may not have reloaded yet (the two SIGHUPs of
 * {@code systemctl reload} are not simultaneous), and its sessions that began before its own reload
 * finish with the configuration they began with. A request under the previous checksum is checked
 * against the running configuration (its resource, the user's permission and key), never the previous
 * one. After the grace the previous checksum is refused again, as a letmeind that never reloaded would be.
 *
 * @param current           checksum of the running file
 * @param previous          checksum of the file before the last reload, if there was one
 * @param previousUntilNanos monotonic time until which {@code previous} is accepted
 */
public record ChecksumRule(ConfigChecksum current, Optional<ConfigChecksum> previous, long previousUntilNanos) {
    /** How a request's checksum relates to the running configuration. */
    public sealed interface Match permits Current, Previous, PreviousExpired, Unknown {
    }

    /** The running file's. */
    public record Current() implements Match {
    }

    /** The file's before the last reload, {@code remainingNanos} before the grace ends. */
    public record Previous(long remainingNanos) implements Match {
    }

    /** The file's before the last reload, but the grace ended {@code agoNanos} ago. */
    public record PreviousExpired(long agoNanos) implements Match {
    }

    /** Neither. */
    public record Unknown() implements Match {
    }

    public ChecksumRule {
        Objects.requireNonNull(current);
        Objects.requireNonNull(previous);
    }

    /** At start-up: only the running file's checksum. */
    public static ChecksumRule initial(ConfigChecksum current) {
        return new ChecksumRule(current, Optional.empty(), 0);
    }

    /** After a reload at {@code nowNanos} to {@code next}: the running checksum becomes the previous one. */
    public ChecksumRule reloaded(ConfigChecksum next, long nowNanos, Duration grace) {
        return new ChecksumRule(next, Optional.of(current), nowNanos + grace.toNanos());
    }

    public Match classify(ConfigChecksum got, long nowNanos) {
        if (current.matches(got)) {
            return new Current();
        }
        if (previous.isPresent() && previous.get().matches(got)) {
            long left = previousUntilNanos - nowNanos;
            return left > 0 ? new Previous(left) : new PreviousExpired(-left);
        }
        return new Unknown();
    }
}
