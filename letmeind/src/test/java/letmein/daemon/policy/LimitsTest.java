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
        assertThat(a.tryAdmit(ip("2001:db8:1:2::d"))).as("a plain ticket never takes a slot")
                .isEqualTo(Admission.Refusal.TOO_MANY_FROM_SOURCE);
    }

    @Test
    void aNeighboursNewConnectionsDisplaceOnlyItsOwn() throws Exception {
        Admission a = new Admission(64, 4);
        java.util.List<String> evicted = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            a.tryAdmitFairly(ip("2001:db8:1:2::bad"), () -> evicted.add("idle" + n));
        }
        // the client arrives and takes the neighbour's oldest slot; it has not knocked yet
        assertThat(a.tryAdmitFairly(ip("2001:db8:1:2::c"), () -> evicted.add("client"))).isInstanceOf(Admission.Ticket.class);
        assertThat(evicted).containsExactly("idle0");
        // a storm of new connections from the neighbour: each takes the neighbour's own oldest, never the client's
        for (int i = 0; i < 1000; i++) {
            int n = 4 + i;
            assertThat(a.tryAdmitFairly(ip("2001:db8:1:2::bad"), () -> evicted.add("idle" + n)))
                    .isInstanceOf(Admission.Ticket.class);
        }
        assertThat(evicted).hasSize(1001).doesNotContain("client");
        // IPv4: one address is one source, as before (hosts behind one NAT): its own oldest goes
        Admission v4 = new Admission(64, 2);
        java.util.List<String> gone = new java.util.ArrayList<>();
        v4.tryAdmitFairly(ip("192.0.2.1"), () -> gone.add("a"));
        v4.tryAdmitFairly(ip("192.0.2.1"), () -> gone.add("b"));
        v4.tryAdmitFairly(ip("192.0.2.1"), () -> gone.add("c"));
        assertThat(gone).containsExactly("a");
    }

    @Test
    void aVerifiedPeerTakesTheSlotOfAnIdleConnectionAndIsNeverTaken() throws Exception {
        // the global limit held by idle connections of sources with 1 each: a TCP newcomer from one of them waits, a
        // verified UDP peer does not
        Admission a = new Admission(3, 8);
        java.util.List<String> evicted = new java.util.ArrayList<>();
        a.tryAdmitFairly(ip("192.0.2.1"), () -> evicted.add("a"));
        a.tryAdmitFairly(ip("192.0.2.2"), () -> evicted.add("b"));
        a.tryAdmitFairly(ip("192.0.2.3"), () -> evicted.add("c"));
        // 192.0.2.2 already holds as many as anyone: its next TCP connection is not fairer than the others
        assertThat(a.tryAdmitFairly(ip("192.0.2.2"), () -> { })).isEqualTo(Admission.Refusal.TOO_MANY_SESSIONS);
        Admission.Result v = a.tryAdmitVerified(ip("192.0.2.2"));
        assertThat(v).isInstanceOf(Admission.Ticket.class);
        assertThat(evicted).containsExactly("a");
        // its slot is never given to anyone: only the other idle connections go
        a.tryAdmitVerified(ip("198.51.100.8"));
        a.tryAdmitVerified(ip("198.51.100.9"));
        assertThat(evicted).containsExactly("a", "b", "c");
        assertThat(a.tryAdmitVerified(ip("198.51.100.10"))).isEqualTo(Admission.Refusal.TOO_MANY_SESSIONS);
        assertThat(a.tryAdmitFairly(ip("203.0.113.1"), () -> { })).isEqualTo(Admission.Refusal.TOO_MANY_SESSIONS);
        // at the per-source limit: a verified peer of the /64 takes the busiest address's oldest idle slot
        Admission p = new Admission(64, 2);
        java.util.List<String> gone = new java.util.ArrayList<>();
        p.tryAdmitFairly(ip("2001:db8::1"), () -> gone.add("x1"));
        p.tryAdmitFairly(ip("2001:db8::1"), () -> gone.add("x2"));
        assertThat(p.tryAdmitVerified(ip("2001:db8::1"))).isInstanceOf(Admission.Ticket.class);
        assertThat(gone).containsExactly("x1");
    }
}
