package letmein.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** SourceLimiter keys and Admission accounting. */
class LimitsTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void mappedIpv4CountsAsIpv4() throws Exception {
        assertThat(SourceLimiter.keyOf(ip("::ffff:192.0.2.1"))).isEqualTo(SourceLimiter.keyOf(ip("192.0.2.1")));
        assertThat(SourceLimiter.keyOf(ip("::ffff:192.0.2.1"))).isNotEqualTo(SourceLimiter.keyOf(ip("192.0.2.2")));
    }

    @Test
    void ipv6SharesKeyPer56() throws Exception {
        assertThat(SourceLimiter.keyOf(ip("2001:db8:1234:5600::1")))
                .isEqualTo(SourceLimiter.keyOf(ip("2001:db8:1234:56ff::2")));
        assertThat(SourceLimiter.keyOf(ip("2001:db8:1234:5600::")))
                .isNotEqualTo(SourceLimiter.keyOf(ip("2001:db8:1234:5700::")));
    }

    @Test
    void limiterCountsAndForgetsSources() throws Exception {
        SourceLimiter l = new SourceLimiter(2);
        SourceLimiter.SourceKey k = SourceLimiter.keyOf(ip("2001:db8::1"));
        assertThat(l.tryAcquire(k)).isTrue();
        assertThat(l.tryAcquire(SourceLimiter.keyOf(ip("2001:db8::2")))).isTrue();
        assertThat(l.tryAcquire(k)).isFalse();
        assertThat(l.tryAcquire(SourceLimiter.keyOf(ip("2001:db8:0:100::1")))).isTrue();
        l.release(k);
        l.release(k);
        assertThat(l.count(k)).isZero();
        assertThatThrownBy(() -> l.release(k)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void admissionChecksSourceThenGlobalAndReleasesOnce() throws Exception {
        Admission a = new Admission(3, 2);
        Admission.Result t1 = a.tryAdmit(ip("192.0.2.1"));
        Admission.Result t2 = a.tryAdmit(ip("::ffff:192.0.2.1"));
        assertThat(a.tryAdmit(ip("192.0.2.1"))).isEqualTo(Admission.Refusal.TOO_MANY_FROM_SOURCE);
        Admission.Result t3 = a.tryAdmit(ip("192.0.2.2"));
        assertThat(a.full()).isTrue();
        assertThat(a.tryAdmit(ip("192.0.2.3"))).isEqualTo(Admission.Refusal.TOO_MANY_SESSIONS);
        assertThat(a.sources()).isEqualTo(2); // the refused source left nothing behind
        a.release((Admission.Ticket) t1);
        a.release((Admission.Ticket) t1);
        assertThat(a.sessions()).isEqualTo(2);
        a.release((Admission.Ticket) t2);
        a.release((Admission.Ticket) t3);
        assertThat(a.sessions()).isZero();
        assertThat(a.sources()).isZero();
    }

    @Test
    void perSourceLimitIsAtMostGlobal() throws Exception {
        Admission a = new Admission(2, 8);
        a.tryAdmit(ip("192.0.2.1"));
        a.tryAdmit(ip("192.0.2.1"));
        assertThat(a.tryAdmit(ip("192.0.2.1"))).isEqualTo(Admission.Refusal.TOO_MANY_FROM_SOURCE);
        assertThat(new letmein.daemon.DaemonOptions(java.nio.file.Path.of("/run"), 4, 8, java.time.Duration.ofSeconds(1))
                .effectivePerSource()).isEqualTo(4);
    }
}
