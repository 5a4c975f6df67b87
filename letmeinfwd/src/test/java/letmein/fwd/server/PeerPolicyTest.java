package letmein.fwd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PeerPolicyTest {
    private static final UserPrincipalLookupService LOOKUP = FileSystems.getDefault().getUserPrincipalLookupService();

    @Test
    void peerPolicyAllowsRootTheUserAndThePrimaryGroupOnly() throws Exception {
        // numeric principals: uids/gids without a passwd/group entry, as SO_PEERCRED reports them
        PeerPolicy p = new PeerPolicy(Accounts.root(), Optional.of(user(64998)), Optional.of(group(64997)));
        assertThat(p.allows(Accounts.root(), group(0))).isTrue();
        assertThat(p.allows(user(0), group(5))).isTrue();
        assertThat(p.allows(user(64998), group(100))).isTrue();
        assertThat(p.allows(user(64000), group(64997))).isTrue();
        assertThat(p.allows(user(64000), group(64000))).isFalse();
        PeerPolicy rootOnly = new PeerPolicy(Accounts.root(), Optional.empty(), Optional.empty());
        assertThat(rootOnly.allows(user(65534), group(65534))).isFalse();
        assertThat(rootOnly.allows(user(0), group(5))).isTrue();
        assertThat(p.toString()).isEqualTo("root, user 64998, group 64997");
    }

    @Test
    void accountNamesThatAreNoNamesAreRejected() {
        assertThatThrownBy(() -> Accounts.user("-x")).isInstanceOf(IOException.class).hasMessageContaining("invalid");
        assertThatThrownBy(() -> Accounts.group("a:b")).isInstanceOf(IOException.class).hasMessageContaining("invalid");
    }

    @Test
    void unknownAccountsAreEmpty() throws Exception {
        assertThat(Accounts.user("lmr-no-such-user")).isEmpty();
        assertThat(Accounts.group("lmr-no-such-group")).isEmpty();
        assertThat(Accounts.root().getName()).isNotEmpty();
    }

    private static UserPrincipal user(int uid) throws IOException {
        return LOOKUP.lookupPrincipalByName(Integer.toString(uid));
    }

    private static GroupPrincipal group(int gid) throws IOException {
        return LOOKUP.lookupPrincipalByGroupName(Integer.toString(gid));
    }
}
