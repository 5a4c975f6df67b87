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
    void ipv6SharesKeyPer64() throws Exception {
        assertThat(SourceLimiter.keyOf(ip("2001:db8:1234:5600::1")))
                .isEqualTo(SourceLimiter.keyOf(ip("2001:db8:1234:5600:ffff::2")));
        // neighbours on the next /64 of the same /56 are counted apart
        assertThat(SourceLimiter.keyOf(ip("2001:db8:1234:5600::1")))
                .isNotEqualTo(SourceLimiter.keyOf(ip("2001:db8:1234:5601::1")));
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

    @Test
    void whenFullASourceWithFewerSessionsTakesTheOldestUnknockedSlotOfTheBusiest() throws Exception {
        Admission a = new Admission(4, 8);
        java.util.List<String> evicted = new java.util.ArrayList<>();
        Admission.Ticket busy1 = (Admission.Ticket) a.tryAdmitFairly(ip("192.0.2.1"), () -> evicted.add("busy1"));
        Admission.Ticket busy2 = (Admission.Ticket) a.tryAdmitFairly(ip("192.0.2.1"), () -> evicted.add("busy2"));
        a.tryAdmitFairly(ip("192.0.2.1"), () -> evicted.add("busy3"));
        a.tryAdmitFairly(ip("192.0.2.2"), () -> evicted.add("other"));
        busy1.knocked(); // proved a key: never taken
        Admission.Result r = a.tryAdmitFairly(ip("198.51.100.7"), () -> evicted.add("newcomer"));
        assertThat(r).isInstanceOf(Admission.Ticket.class);
        assertThat(evicted).containsExactly("busy2");
        assertThat(a.sessions()).isEqualTo(4);
        assertThat(a.evictions()).isEqualTo(1);
        a.release(busy2); // the evicted session's own release later is ignored
        assertThat(a.sessions()).isEqualTo(4);
        // 192.0.2.1 now holds 2 (one knocked), the others 1 each: a source with 1 cannot claim from a source
        // with 1, but can from the busiest that still has an unknocked session
        assertThat(a.tryAdmitFairly(ip("192.0.2.2"), () -> evicted.add("x"))).isInstanceOf(Admission.Ticket.class);
        assertThat(evicted).containsExactly("busy2", "busy3");
        // now 192.0.2.2 holds 2 unknocked sessions, the others 1: a source with none claims 192.0.2.2's oldest
        assertThat(a.tryAdmitFairly(ip("203.0.113.9"), () -> { })).isInstanceOf(Admission.Ticket.class);
        assertThat(evicted).containsExactly("busy2", "busy3", "other");
        // every source holds 1: nobody is busier than a source with 1, so it waits
        assertThat(a.tryAdmitFairly(ip("203.0.113.9"), () -> { })).isEqualTo(Admission.Refusal.TOO_MANY_SESSIONS);
        // UDP tickets (verified sessions) are never taken
        Admission u = new Admission(1, 1);
        u.tryAdmit(ip("192.0.2.1"));
        assertThat(u.tryAdmitFairly(ip("192.0.2.2"), () -> { })).isEqualTo(Admission.Refusal.TOO_MANY_SESSIONS);
    }

    @Test
    void atItsLimitASourceTakesItsOwnOldestUnknockedSlot() throws Exception {
        Admission a = new Admission(64, 2);
        java.util.List<String> evicted = new java.util.ArrayList<>();
        // a neighbour on the client's /64 holds both of the prefix's slots with idle connections
        a.tryAdmitFairly(ip("2001:db8:1:2::bad"), () -> evicted.add("idle1"));
        a.tryAdmitFairly(ip("2001:db8:1:2::bad"), () -> evicted.add("idle2"));
        Admission.Ticket client = (Admission.Ticket) a.tryAdmitFairly(ip("2001:db8:1:2::c"), () -> evicted.add("c"));
        assertThat(evicted).containsExactly("idle1");
        client.knocked();
        a.tryAdmitFairly(ip("2001:db8:1:2::bad"), () -> evicted.add("idle3"));
        assertThat(evicted).as("the knocked client is never taken").containsExactly("idle1", "idle2");
        assertThat(a.tryAdmit(ip("2001:db8:1:2::d"))).as("UDP tickets never take a slot")
                .isEqualTo(Admission.Refusal.TOO_MANY_FROM_SOURCE);
    }
}
