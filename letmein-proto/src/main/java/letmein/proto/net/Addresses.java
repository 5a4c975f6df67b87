package letmein.proto.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One canonical form for client addresses, used everywhere (limiter key, IPC, firewall, logs): an
 * IPv4 client seen on a dual-stack socket as {@code ::ffff:a.b.c.d} is the IPv4 address a.b.c.d.
 */
public final class Addresses {
    private Addresses() {
    }

    /** The address itself, or the embedded IPv4 address of an IPv4-mapped IPv6 address. */
    public static InetAddress canonical(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
            if (((Inet6Address) a).getScopeId() != 0 || ((Inet6Address) a).getScopedInterface() != null) {
                try {
                    return InetAddress.getByAddress(b); // the firewall matches addresses, not scopes
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return java.util.Objects.requireNonNull(a, "address");
    }

    /** Text without host name or scope: {@code 192.0.2.1}, {@code 2001:db8::5} (compressed). */
    public static String text(InetAddress a) {
        InetAddress c = canonical(a);
        if (c instanceof Inet4Address) {
            return c.getHostAddress();
        }
        return compressV6(c.getAddress());
    }

    /**
     * Why no lease may ever be opened for {@code a}, or empty if it is an ordinary unicast address: the
     * unspecified and all-ones addresses, multicast, loopback, link-local and (IPv4) the limited
     * broadcast address. None of these can be a knocking client's source, and a rule for them would
     * open a port to a whole group of hosts or to the server itself.
     */
    public static java.util.Optional<String> notOpenable(InetAddress a) {
        InetAddress c = canonical(a);
        if (isUnspecifiedOrAllOnes(c)) {
            return java.util.Optional.of("unspecified or all-ones");
        }
        if (c.isMulticastAddress()) {
            return java.util.Optional.of("multicast");
        }
        if (c.isLoopbackAddress()) {
            return java.util.Optional.of("loopback");
        }
        if (c.isLinkLocalAddress()) {
            return java.util.Optional.of("link-local");
        }
        return java.util.Optional.empty();
    }

    /**
     * {@code address:port} for logs, with the canonical address in brackets when it is IPv6
     * ({@code [2001:db8::1]:40000}), so the port cannot be mistaken for part of the address.
     */
    public static String withPort(InetAddress a, int port) {
        InetAddress c = canonical(a);
        String t = text(c);
        return (c.getAddress().length == 16 ? "[" + t + "]" : t) + ":" + port;
    }

    /** True for 0.0.0.0, 255.255.255.255, :: and ffff:…:ffff, which must never be opened. */
    public static boolean isUnspecifiedOrAllOnes(InetAddress a) {
        byte[] b = canonical(a).getAddress();
        boolean zeros = true;
        boolean ones = true;
        for (byte x : b) {
            zeros &= x == 0;
            ones &= x == (byte) 0xFF;
        }
        return zeros || ones;
    }

    /** RFC 5952 text form: lower case, longest run of zero groups (≥ 2) compressed. */
    private static String compressV6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
