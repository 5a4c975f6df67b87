package letmein.proto.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

import letmein.proto.fwd.FwdCodec;
import letmein.proto.fwd.FwdProtocolException;

/**
 * Rejections of bad network/IPC input carry no stack trace (cheap under a junk flood) but still say
 * exactly what was wrong.
 */
class StacklessRejectionTest {
    @Test
    void aJunkFrameIsRejectedWithAMessageAndNoStackTrace() {
        byte[] junk = new byte[Message.SIZE];
        junk[0] = 0x13;
        ProtocolException e = catchThrowableOfType(() -> FrameCodec.decode(junk), ProtocolException.class);
        assertThat(e.getMessage()).isNotBlank().containsIgnoringCase("magic");
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.getSuppressed()).isEmpty();
    }

    @Test
    void aJunkIpcFrameIsRejectedWithAMessageAndNoStackTrace() {
        byte[] junk = new byte[FwdCodec.SIZE];
        junk[0] = 0x13;
        FwdProtocolException e = catchThrowableOfType(() -> FwdCodec.decode(junk), FwdProtocolException.class);
        assertThat(e.getMessage()).isNotBlank();
        assertThat(e.getStackTrace()).isEmpty();
    }
}
