package letmein.proto.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The machine-readable classes behind the log's class=/fault= fields and the knock counter's labels. */
class ReasonClassTest {
    @Test
    void resultLabelFollowsTheFault() {
        assertEquals("ok", ReasonClass.OK.result());
        assertEquals("failed", ReasonClass.AUTH.result());
        assertEquals("failed", ReasonClass.CLOSED.result());
        assertEquals("error", ReasonClass.FIREWALL.result());
        assertEquals("error", ReasonClass.CONFIG.result());
        assertEquals("unknown_user", ReasonClass.UNKNOWN_USER.text());
        assertEquals("server", ReasonClass.INTERNAL.fault().text());
    }

    @Test
    void aDecisionsSuccessAndClassAgree() {
        assertThrows(IllegalArgumentException.class, () -> new Decision("p", "i", Optional.empty(),
                Optional.empty(), Optional.empty(), true, ReasonClass.AUTH, "x", true));
        assertThrows(IllegalArgumentException.class, () -> new Decision("p", "i", Optional.empty(),
                Optional.empty(), Optional.empty(), false, ReasonClass.OK, "x", true));
    }
}
