package letmein.fwd.server;

import java.util.OptionalInt;

/**
 * Who may talk to letmeinfwd, decided from the kernel's SO_PEERCRED of each connection: root, the
 * letmeind user, or a process whose primary group is the letmeind group. Anything else is refused.
 */
public record PeerPolicy(OptionalInt letmeindUid, OptionalInt letmeindGid) {
    public boolean allows(int uid, int gid) {
        return uid == 0 || letmeindUid.isPresent() && letmeindUid.getAsInt() == uid
                || letmeindGid.isPresent() && letmeindGid.getAsInt() == gid;
    }

    @Override
    public String toString() {
        return "root" + (letmeindUid.isPresent() ? ", uid " + letmeindUid.getAsInt() : "")
                + (letmeindGid.isPresent() ? ", gid " + letmeindGid.getAsInt() : "");
    }
}
