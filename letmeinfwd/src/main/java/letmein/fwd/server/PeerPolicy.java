package letmein.fwd.server;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;

import jdk.net.UnixDomainPrincipal;

/**
 * Who may talk to letmeinfwd, decided from the kernel's SO_PEERCRED of each connection: root, the
 * letmeind user, or a process whose primary group is the letmeind group. Anything else is refused.
 * Principals compare by numeric id (the JDK's Unix principals do), so several names for one uid match.
 */
public record PeerPolicy(UserPrincipal root, Optional<UserPrincipal> letmeindUser,
        Optional<GroupPrincipal> letmeindGroup) {
    public boolean allows(UnixDomainPrincipal peer) {
        return allows(peer.user(), peer.group());
    }

    public boolean allows(UserPrincipal user, GroupPrincipal primaryGroup) {
        return root.equals(user) || letmeindUser.isPresent() && letmeindUser.get().equals(user)
                || letmeindGroup.isPresent() && letmeindGroup.get().equals(primaryGroup);
    }

    @Override
    public String toString() {
        return "root" + letmeindUser.map(u -> ", user " + u.getName()).orElse("")
                + letmeindGroup.map(g -> ", group " + g.getName()).orElse("");
    }
}
