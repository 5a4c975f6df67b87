package letmein.fwd.check;

import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The IPv4 broadcast addresses of this host's interfaces (such as 10.231.1.255 for 10.231.1.0/24), read
 * again at most every {@link #MAX_AGE_NANOS}: interfaces come and go, and reading them costs a netlink
 * round trip, too much for every request. If they cannot be read the last known set stays.
 */
final class LocalBroadcasts implements Supplier<Set<InetAddress>> {
    static final long MAX_AGE_NANOS = 10_000_000_000L;
    private Set<InetAddress> known = Set.of();
    private long readAt;
    private boolean read;

    @Override
    public synchronized Set<InetAddress> get() {
        long now = System.nanoTime();
        if (!read || now - readAt > MAX_AGE_NANOS) {
            readAt = now;
            read = true;
            try {
                Set<InetAddress> out = new HashSet<>();
                Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
                while (all != null && all.hasMoreElements()) {
                    for (InterfaceAddress a : all.nextElement().getInterfaceAddresses()) {
                        if (a.getBroadcast() != null) {
                            out.add(a.getBroadcast());
                        }
                    }
                }
                known = Set.copyOf(out);
            } catch (SocketException e) {
                // keep the last known set
            }
        }
        return known;
    }
}
