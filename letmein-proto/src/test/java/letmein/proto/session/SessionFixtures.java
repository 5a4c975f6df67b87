package letmein.proto.session;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ConfigChecksum;
import letmein.proto.config.ControlPort;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.config.GeneralConfig;
import letmein.proto.config.JumpResource;
import letmein.proto.config.NftablesConfig;
import letmein.proto.config.PortResource;
import letmein.proto.config.Resource;
import letmein.proto.config.SeccompMode;
import letmein.proto.config.ServerConfig;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/** Server configs for the tests of every module that drives a session, built from the records (independent of the config parser). */
public final class SessionFixtures {
    public static final int CONTROL_PORT = 5800;
    public static final UserId USER = UserId.parse("12345678");
    public static final Key KEY = Key.parseHex("80E9C8C4A1E6F8F3CF2D0F7E5B39C0E2C1A3DB3DA1E5E6F7B8C9D0E1F2A32A3D");
    public static final UserId OTHER_USER = UserId.parse("99999999");
    public static final Key OTHER_KEY = Key.parseHex("0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20");
    public static final UserId UNKNOWN_USER = UserId.parse("DEADBEEF");
    /** Port 42/tcp, open to everyone with a key. */
    public static final ResourceId PORT42 = ResourceId.parse("87654321");
    /** A jump resource. */
    public static final ResourceId JUMP = ResourceId.parse("AABBCCDD");
    /** Port 43, only for OTHER_USER. */
    public static final ResourceId RESTRICTED = ResourceId.parse("11111111");
    /** Port = the control port: must be refused. */
    public static final ResourceId CONTROL = ResourceId.parse("22222222");
    public static final ResourceId UNKNOWN_RESOURCE = ResourceId.parse("33333333");
    public static final byte[] CONFIG_BYTES = "test config".getBytes(StandardCharsets.UTF_8);

    /** Builds the client's messages (the same code the client uses). */
    public static final Messages MESSAGES = new Messages(new SecureRandomness());

    public static Message knock(Key key, UserId user, ResourceId res) {
        return MESSAGES.opening(Operation.KNOCK, key, user, res);
    }

    public static Message revoke(Key key, UserId user, ResourceId res) {
        return MESSAGES.opening(Operation.REVOKE, key, user, res);
    }

    public static Message response(Key key, Message challenge) {
        return MESSAGES.response(key, challenge);
    }

    private SessionFixtures() {
    }

    public static ServerConfig config(ErrorPolicy policy, Duration controlTimeout, boolean tcp, boolean udp) {
        GeneralConfig g = new GeneralConfig(false, new ControlPort(CONTROL_PORT, tcp, udp), controlTimeout, policy,
                SeccompMode.OFF);
        Map<ResourceId, Resource> res = Map.of(
                PORT42, new PortResource(PORT42, 42, true, false, Set.of(), Optional.empty()),
                JUMP, new JumpResource(JUMP, Optional.of(new JumpResource.JumpTarget("MYCHAIN-INPUT", true)),
                        Optional.empty(), Optional.empty(), Set.of(USER), Optional.empty()),
                RESTRICTED, new PortResource(RESTRICTED, 43, true, true, Set.of(OTHER_USER), Optional.empty()),
                CONTROL, new PortResource(CONTROL, CONTROL_PORT, false, true, Set.of(), Optional.empty()));
        return new ServerConfig(Path.of("/test/letmeind.conf"), g, Map.of(USER, KEY, OTHER_USER, OTHER_KEY), res,
                NftablesConfig.DEFAULT, ConfigChecksum.of(CONFIG_BYTES));
    }

    public static ServerConfig config(ErrorPolicy policy) {
        return config(policy, Duration.ofSeconds(3), true, true);
    }
}
