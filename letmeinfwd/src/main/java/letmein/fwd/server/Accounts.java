package letmein.fwd.server;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;

/**
 * Looks up the letmeind account as JDK principals (getpwnam/getgrnam, so NSS sources such as LDAP
 * count, not only /etc/passwd). They compare by numeric id with the principals of SO_PEERCRED.
 */
public final class Accounts {
    private Accounts() {
    }

    /** The principal of uid 0, whatever the name of that account. */
    public static UserPrincipal root() throws IOException {
        // an all-digit name is not a user name (useradd, adduser and systemd-sysusers refuse them), so the
        // JDK falls back to the numeric uid here
        return lookup().lookupPrincipalByName("0");
    }

    /** The user called {@code name}, empty if there is no such user. */
    public static Optional<UserPrincipal> user(String name) throws IOException {
        check(name);
        try {
            return Optional.of(lookup().lookupPrincipalByName(name));
        } catch (UserPrincipalNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The group called {@code name}, empty if there is no such group. */
    public static Optional<GroupPrincipal> group(String name) throws IOException {
        check(name);
        try {
            return Optional.of(lookup().lookupPrincipalByGroupName(name));
        } catch (UserPrincipalNotFoundException e) {
            return Optional.empty();
        }
    }

    private static void check(String name) throws IOException {
        if (name.isEmpty() || name.startsWith("-") || name.contains(":") || name.contains("\n")) {
            throw new IOException("invalid account name '" + name + "'");
        }
    }

    private static UserPrincipalLookupService lookup() {
        return FileSystems.getDefault().getUserPrincipalLookupService();
    }
}
