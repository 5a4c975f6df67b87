package letmein.proto.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.config.ServerConfig;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

class ConfigDiffTest {
    static final String K1 = "80E9C81DFA4879B2C64910E1B6870DA42DFB82261B76C859F3A0F5A09DEA2A3D";
    static final String K2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String K3 = "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    static String conf(String general, String keys, String resources, String nftables) {
        return "[GENERAL]\nport = 5800\n" + general + "\n[KEYS]\n" + keys + "\n[RESOURCES]\n" + resources
                + "\n[NFTABLES]\nfamily = inet\ntable = filter\nchain-input = LETMEIN-INPUT\n" + nftables;
    }

    static ServerConfig parse(String text) throws ConfigException {
        return Configs.parseServer(Path.of("/etc/letmein/letmeind.conf"), text.getBytes(StandardCharsets.UTF_8));
    }

    static final String BASE = conf("", "1 = " + K1 + "\n2 = " + K2 + "\n", "22 = port: 22\n23 = port: 23\n", "");

    @Test
    void aCommentOnlyEditChangesNothingThatMatters() throws Exception {
        ConfigDiff d = ConfigDiff.between(parse(BASE), parse(BASE + "# a comment\n"));
        assertThat(d.meaningUnchanged()).isTrue();
        assertThat(d.needRestart()).isEmpty();
    }

    @Test
    void usersAndResourcesAddedRemovedAndChanged() throws Exception {
        String next = conf("", "2 = " + K3 + "\n3 = " + K1 + "\n", "22 = port: 2222\n24 = port: 24 / udp\n", "");
        ConfigDiff d = ConfigDiff.between(parse(BASE), parse(next));
        assertThat(d.usersAdded()).containsExactly(new UserId(3));
        assertThat(d.usersRemoved()).containsExactly(new UserId(1));
        assertThat(d.keysChanged()).containsExactly(new UserId(2));
        assertThat(d.resourcesAdded()).containsExactly(new ResourceId(0x24));
        assertThat(d.resourcesRemoved()).containsExactly(new ResourceId(0x23));
        assertThat(d.resourcesChanged()).containsExactly(new ResourceId(0x22));
        assertThat(d.needRestart()).isEmpty();
        assertThat(d.meaningUnchanged()).isFalse();
        assertThat(d.summary()).isEqualTo("users +[00000003] -[00000001] keys-changed=[00000002] resources +[00000024]"
                + " -[00000023] ~[00000022] settings=[]");
        assertThat(d.summary()).doesNotContain(K1).doesNotContain(K3);
    }

    @Test
    void aResourceWhoseUsersChangeIsChanged() throws Exception {
        String next = conf("", "1 = " + K1 + "\n2 = " + K2 + "\n", "22 = port: 22 / users: 2\n23 = port: 23\n", "");
        assertThat(ConfigDiff.between(parse(BASE), parse(next)).resourcesChanged()).containsExactly(new ResourceId(0x22));
    }

    @Test
    void liveSettingsAreListedButNeedNoRestart() throws Exception {
        String next = conf("control-timeout = 3\ncontrol-error-policy = always\n", "1 = " + K1 + "\n2 = " + K2 + "\n",
                "22 = port: 22\n23 = port: 23\n", "timeout = 60\nmax-nr-rules = 10\nmax-nr-rules-per-user = 3\n");
        ConfigDiff d = ConfigDiff.between(parse(BASE), parse(next));
        assertThat(d.needRestart()).isEmpty();
        assertThat(d.settingsChanged()).containsExactly("[GENERAL] control-timeout 5000ms -> 3000ms",
                "[GENERAL] control-error-policy basic-auth -> always", "[NFTABLES] timeout 600s -> 60s",
                "[NFTABLES] max-nr-rules 100 -> 10", "[NFTABLES] max-nr-rules-per-user 0 -> 3");
    }

    @Test
    void controlPortDebugAndNftablesNamesNeedARestart() throws Exception {
        String next = "[GENERAL]\nport = 5801 / udp\ndebug = true\n\n[KEYS]\n1 = " + K1 + "\n2 = " + K2
                + "\n\n[RESOURCES]\n22 = port: 22\n23 = port: 23\n\n[NFTABLES]\nexe = /usr/sbin/nft\nfamily = ip\n"
                + "table = other\nchain-input = IN2\nchain-forward = FWD\n";
        ConfigDiff d = ConfigDiff.between(parse(BASE), parse(next));
        assertThat(d.needRestart()).containsExactly("[GENERAL] port 5800/tcp -> 5801/udp", "[GENERAL] debug false -> true",
                "[NFTABLES] exe nft -> /usr/sbin/nft", "[NFTABLES] family inet -> ip", "[NFTABLES] table filter -> other",
                "[NFTABLES] chain-input LETMEIN-INPUT -> IN2", "[NFTABLES] chain-forward - -> FWD");
    }
}
