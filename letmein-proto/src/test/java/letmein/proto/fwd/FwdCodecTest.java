package letmein.proto.fwd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

class FwdCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ConfigChecksum FOO = ConfigChecksum.of("foo".getBytes(StandardCharsets.UTF_8));

    @Test
    void checksumKnownAnswers() {
        assertThat(FOO.toString()).isEqualTo("a91420eb279bd19615049d00d6070735aff1e928c1bf9c653f29223311dd4caa");
        assertThat(ConfigChecksum.of("bar".getBytes(StandardCharsets.UTF_8)).toString())
                .isEqualTo("fb58e51d34b56b3378f6ec2d4a5496c2af00f27502000fd598ed310973685079");
        assertThat(FOO.matches(ConfigChecksum.of("fop".getBytes(StandardCharsets.UTF_8)))).isFalse();
    }

    @Test
    void installIpv4KnownAnswer() throws Exception {
        var m = new FwdMessage.Install(UserId.parse("66773322"), ResourceId.parse("AABB9988"),
                InetAddress.getByName("1.2.3.4"), FOO);
        String hex = "0002" + "66773322" + "aabb9988" + "0001" + "00".repeat(12) + "01020304"
                + "a91420eb279bd19615049d00d6070735aff1e928c1bf9c653f29223311dd4caa";
        assertThat(HEX.formatHex(FwdCodec.encode(m))).isEqualTo(hex);
        assertThat(FwdCodec.decode(HEX.parseHex(hex))).isEqualTo(m);
    }

    @Test
    void revokeIpv6RoundTrip() throws Exception {
        var m = new FwdMessage.Revoke(new UserId(1), new ResourceId(2), InetAddress.getByName("fd00::5"), FOO);
        byte[] frame = FwdCodec.encode(m);
        assertThat(frame).hasSize(60);
        assertThat(HEX.formatHex(frame, 0, 12)).isEqualTo("000300000001000000020000");
        assertThat(FwdCodec.decode(frame)).isEqualTo(m);
    }

    @Test
    void ackAndNackBytes() throws Exception {
        assertThat(HEX.formatHex(FwdCodec.encode(new FwdMessage.Ack()))).isEqualTo("0001" + "00".repeat(58));
        assertThat(HEX.formatHex(FwdCodec.encode(new FwdMessage.Nack()))).isEqualTo("00".repeat(60));
        assertThat(FwdCodec.decode(new byte[60])).isInstanceOf(FwdMessage.Nack.class);
    }

    @Test
    void mappedAddressBecomesIpv4() throws Exception {
        byte[] frame = HEX.parseHex("0002" + "00000001" + "00000002" + "0000" + "00".repeat(10) + "ffff" + "0a000001" + "00".repeat(32));
        var m = (FwdMessage.Install) FwdCodec.decode(frame);
        assertThat(m.address()).isEqualTo(InetAddress.getByName("10.0.0.1"));
        assertThat(FwdCodec.encode(m)[11]).isEqualTo((byte) 1); // re-encoded as address type IPv4
    }

    @Test
    void rejectsMalformed() {
        assertThatThrownBy(() -> FwdCodec.decode(new byte[59])).isInstanceOf(FwdProtocolException.class);
        assertThatThrownBy(() -> FwdCodec.decode(new byte[61])).isInstanceOf(FwdProtocolException.class);
        byte[] badOp = new byte[60];
        badOp[1] = 4;
        assertThatThrownBy(() -> FwdCodec.decode(badOp)).hasMessageContaining("operation 4");
        byte[] badType = new byte[60];
        badType[1] = 2;
        badType[11] = 2;
        assertThatThrownBy(() -> FwdCodec.decode(badType)).hasMessageContaining("address type 2");
        byte[] badPad = new byte[60];
        badPad[1] = 2;
        badPad[11] = 1;
        badPad[12] = 1;
        assertThatThrownBy(() -> FwdCodec.decode(badPad)).hasMessageContaining("padding");
    }
}
