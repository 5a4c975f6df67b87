package letmein.client.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Literals are recognised by syntax; anything else is left to the resolver (and never throws). */
class HostLiteralTest {
    @Property
    void everyDottedQuadIsAnIpv4Literal(@ForAll @IntRange(max = 255) int a, @ForAll @IntRange(max = 255) int b,
            @ForAll @IntRange(max = 255) int c, @ForAll @IntRange(max = 255) int d) {
        var r = HostLiteral.parse(a + "." + b + "." + c + "." + d);
        assertThat(r).isPresent();
        assertThat(r.get()).isInstanceOf(Inet4Address.class);
        assertThat(r.get().getAddress()).containsExactly((byte) a, (byte) b, (byte) c, (byte) d);
    }

    @Property
    void arbitraryTextNeverThrows(@ForAll String s) {
        HostLiteral.parse(s);
    }

    @Test
    void examples() {
        assertThat(HostLiteral.parse("::1").get()).isInstanceOf(Inet6Address.class);
        assertThat(HostLiteral.parse("[fe80::1%1]")).isPresent();
        assertThat(HostLiteral.parse("256.1.1.1")).isEmpty();
        assertThat(HostLiteral.parse("1.2.3")).isEmpty();
        assertThat(HostLiteral.parse("host.example")).isEmpty();
        assertThat(HostLiteral.parse("cafe.example")).isEmpty();
        assertThat(HostLiteral.parse("a:b:zz")).isEmpty();
    }
}
