package letmein.fwd.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import letmein.proto.config.ConfigChecksum;

class ChecksumRuleTest {
    static final ConfigChecksum A = ConfigChecksum.of("a".getBytes(StandardCharsets.UTF_8));
    static final ConfigChecksum B = ConfigChecksum.of("b".getBytes(StandardCharsets.UTF_8));
    static final ConfigChecksum C = ConfigChecksum.of("c".getBytes(StandardCharsets.UTF_8));
    static final long S = 1_000_000_000L;

    @Test
    void atStartOnlyTheRunningChecksum() {
        ChecksumRule r = ChecksumRule.initial(A);
        assertThat(r.classify(A, 0)).isInstanceOf(ChecksumRule.Current.class);
        assertThat(r.classify(B, 0)).isInstanceOf(ChecksumRule.Unknown.class);
    }

    @Test
    void afterAReloadThePreviousChecksumIsAcceptedForTheGraceOnly() {
        ChecksumRule r = ChecksumRule.initial(A).reloaded(B, 100 * S, Duration.ofSeconds(60));
        assertThat(r.classify(B, 100 * S)).isInstanceOf(ChecksumRule.Current.class);
        assertThat(r.classify(A, 100 * S)).isEqualTo(new ChecksumRule.Previous(60 * S));
        assertThat(r.classify(A, 159 * S)).isEqualTo(new ChecksumRule.Previous(S));
        assertThat(r.classify(A, 160 * S)).isEqualTo(new ChecksumRule.PreviousExpired(0));
        assertThat(r.classify(A, 170 * S)).isEqualTo(new ChecksumRule.PreviousExpired(10 * S));
        assertThat(r.classify(C, 100 * S)).isInstanceOf(ChecksumRule.Unknown.class);
    }

    @Test
    void onlyOnePreviousIsRemembered() {
        ChecksumRule r = ChecksumRule.initial(A).reloaded(B, 0, Duration.ofSeconds(60)).reloaded(C, S, Duration.ofSeconds(60));
        assertThat(r.classify(C, S)).isInstanceOf(ChecksumRule.Current.class);
        assertThat(r.classify(B, S)).isInstanceOf(ChecksumRule.Previous.class);
        assertThat(r.classify(A, S)).isInstanceOf(ChecksumRule.Unknown.class);
    }

    @Test
    void theGraceSurvivesAMonotonicClockNearItsWrap() {
        long now = Long.MAX_VALUE - 10 * S;
        ChecksumRule r = ChecksumRule.initial(A).reloaded(B, now, Duration.ofSeconds(60));
        assertThat(r.classify(A, now + 30 * S)).isInstanceOf(ChecksumRule.Previous.class);
        assertThat(r.classify(A, now + 61 * S)).isInstanceOf(ChecksumRule.PreviousExpired.class);
    }
}
