package letmein.proto.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final byte[] COMEIN = HexFormat.of().parseHex(
            "3b1bb71900000003f90201b2b3e46b6c9a9a9a9a9a9a9a9a0000000000000000000000000000000000000000000000000000000000000000");

    @Test
    void rejectsWrongLength() {
        assertThatThrownBy(() -> FrameCodec.decode(new byte[55])).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("55 bytes");
        assertThatThrownBy(() -> FrameCodec.decode(new byte[57])).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("57 bytes");
    }

    @Test
    void rejectsBadMagic() {
        byte[] f = COMEIN.clone();
        f[0] = 0x3c;
        assertThatThrownBy(() -> FrameCodec.decode(f)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("magic");
        byte[] g = COMEIN.clone();
        g[3] = 0x18;
        assertThatThrownBy(() -> FrameCodec.decode(g)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("magic");
    }

    @Test
    void rejectsUnknownOperation() {
        byte[] f = COMEIN.clone();
        f[7] = 6;
        assertThatThrownBy(() -> FrameCodec.decode(f)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("Operation value: 6");
        f[4] = (byte) 0x80;
        assertThatThrownBy(() -> FrameCodec.decode(f)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void badFrameInStreamIsConsumedWhole() throws Exception {
        byte[] bad = COMEIN.clone();
        bad[0] = 0;
        ByteBuffer stream = ByteBuffer.allocate(112).put(bad).put(COMEIN).flip();
        assertThatThrownBy(() -> FrameCodec.decode(stream)).isInstanceOf(ProtocolException.class);
        assertThat(stream.position()).isEqualTo(56);
        assertThat(FrameCodec.decode(stream).operation()).isEqualTo(Operation.COMEIN);
    }

    @Test
    void idsDisplayAsEightUpperHexDigits() {
        assertThat(new UserId(0x1a).toString()).isEqualTo("0000001A");
        assertThat(UserId.parse(" aabbccdd ")).isEqualTo(new UserId(0xAABBCCDD));
        assertThat(ResourceId.parse("1")).isEqualTo(ResourceId.parse("00000001"));
        assertThatThrownBy(() -> UserId.parse("123456789")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UserId.parse("0x12")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResourceId.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messageHidesAuthInToString() {
        Message m = new Message(Operation.KNOCK, new UserId(1), new ResourceId(2), new byte[8], new byte[32]);
        assertThat(m.toString()).doesNotContain("auth");
    }
}
