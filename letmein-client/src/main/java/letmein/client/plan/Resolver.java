package letmein.client.plan;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Name resolution, behind an interface so the dual-stack rules can be tested without DNS. Only called
 * for host names; address literals never reach it.
 */
@FunctionalInterface
public interface Resolver {
    /** All addresses of {@code host}, any family; fails if the name does not exist. */
    List<InetAddress> lookup(String host) throws UnknownHostException;

    /** The system resolver (getaddrinfo through the JDK). */
    static Resolver system() {
        return SystemResolver.INSTANCE;
    }

    /** getaddrinfo through the JDK; a class rather than a lambda, which costs start-up time. */
    final class SystemResolver implements Resolver {
        static final SystemResolver INSTANCE = new SystemResolver();

        private SystemResolver() {
        }

        @Override
        public List<InetAddress> lookup(String host) throws UnknownHostException {
            return List.of(InetAddress.getAllByName(host));
        }
    }
}
