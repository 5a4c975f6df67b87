package letmein.proto.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

class AuthenticatorTest {
    private static final Key KEY = Key.parseHex("80e9c81dfa4879b2c64910e1b6870da42dfb82261b76c859f3a0f5a09dea2a3d");
    private final Messages messages = new Messages(new SecureRandomness());

    @ParameterizedTest
    @ValueSource(ints = {4, 8, 12, 16, 24, 40, 55})
    void tamperingAnyFieldBreaksVerification(int byteIndex) throws Exception {
        Message knock = messages.opening(Operation.KNOCK, KEY, new UserId(0x12345678), new ResourceId(0x87654321));
        byte[] frame = FrameCodec.encode(knock);
        frame[byteIndex] ^= 0x01;
        if (byteIndex >= 4 && byteIndex < 8) {
            frame[byteIndex] = 0; // keep a valid operation: flip KNOCK(0)→... handled below
            frame[7] = 5;
        }
        Message tampered = FrameCodec.decode(frame);
        assertThat(Authenticator.verifyNoChallenge(KEY, tampered)).isFalse();
    }

    @Test
    void knockMacNeverValidatesAsRevoke() throws Exception {
        Message knock = messages.opening(Operation.KNOCK, KEY, new UserId(1), new ResourceId(2));
        Message asRevoke = new Message(Operation.REVOKE, knock.user(), knock.resource(), knock.salt(), knock.auth());
        assertThat(Authenticator.verifyNoChallenge(KEY, knock)).isTrue();
        assertThat(Authenticator.verifyNoChallenge(KEY, asRevoke)).isFalse();
    }

    @Test
    void wrongKeyFails() {
        Message knock = messages.opening(Operation.KNOCK, KEY, new UserId(1), new ResourceId(2));
        Key other = Key.parseHex("80e9c81dfa4879b2c64910e1b6870da42dfb82261b76c859f3a0f5a09dea2a3e");
        assertThat(Authenticator.verifyNoChallenge(other, knock)).isFalse();
    }

    @Test
    void responseIsBoundToItsChallenge() {
        Message c1 = messages.challenge(new UserId(1), new ResourceId(2));
        Message c2 = messages.challenge(new UserId(1), new ResourceId(2));
        assertThat(c1.auth()).isNotEqualTo(c2.auth());
        Message r1 = messages.response(KEY, c1);
        assertThat(Authenticator.verify(KEY, r1, c1.auth())).isTrue();
        assertThat(Authenticator.verify(KEY, r1, c2.auth())).isFalse();
    }

    @Test
    void matchesJdkHmacSha3() throws Exception {
        byte[] salt = HexFormat.of().parseHex("0011223344556677");
        byte[] mac = Authenticator.mac(KEY, Operation.KNOCK, new UserId(7), new ResourceId(9), salt, new byte[32]);
        Mac jdk = Mac.getInstance("HmacSHA3-256");
        jdk.init(new SecretKeySpec(KEY.bytes(), "HmacSHA3-256"));
        jdk.update(HexFormat.of().parseHex("000000000000000700000009"));
        jdk.update(salt);
        jdk.update(new byte[32]);
        assertThat(mac).isEqualTo(jdk.doFinal());
    }

    @Test
    void comeInAndGoAwayHaveZeroAuth() {
        assertThat(messages.comeIn(new UserId(1), new ResourceId(2)).auth()).isEqualTo(new byte[32]);
        assertThat(messages.goAway(new UserId(1), new ResourceId(2)).auth()).isEqualTo(new byte[32]);
    }

    @Test
    void keyValidation() {
        assertThatThrownBy(() -> Key.parseHex("00".repeat(32))).hasMessage("Key is all zeros");
        assertThatThrownBy(() -> Key.parseHex("ff".repeat(32))).hasMessage("Key is all ones");
        assertThatThrownBy(() -> Key.parseHex("ab".repeat(31))).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> Key.parseHex("zz".repeat(32))).hasMessageContaining("hex");
        assertThat(Key.parseHex("Ab".repeat(32)).toHex()).isEqualTo("AB".repeat(32));
        // no trimming here: the config parser trims by upstream's rule first (KeyTrimPropertyTest)
        assertThatThrownBy(() -> Key.parseHex(" " + "Ab".repeat(32) + "\t")).hasMessageContaining("64 hex digits");
        assertThat(KEY.toString()).doesNotContain("80e9").doesNotContain("80E9");
    }

    @Test
    void randomnessTripwire() {
        assertThat(SecureRandomness.isOneRepeatedByte(new byte[32])).isTrue();
        byte[] ff = new byte[32];
        Arrays.fill(ff, (byte) 0xFF);
        assertThat(SecureRandomness.isOneRepeatedByte(ff)).isTrue();
        assertThat(SecureRandomness.isOneRepeatedByte(new SecureRandomness().bytes(32))).isFalse();
        assertThatThrownBy(() -> new SecureRandomness().bytes(7)).isInstanceOf(IllegalArgumentException.class);
        SecureRandomness broken = new SecureRandomness(new java.security.SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 0x42);
            }
        });
        assertThatThrownBy(() -> broken.bytes(8)).isInstanceOf(IllegalStateException.class);
    }
}
