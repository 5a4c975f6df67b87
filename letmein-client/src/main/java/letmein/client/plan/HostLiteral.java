package letmein.client.plan;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Recognises IPv4 and IPv6 address literals by syntax alone, so they never cause a DNS query. */
public final class HostLiteral {
    private HostLiteral() {
    }

    /** The address if {@code host} is a literal ({@code 192.0.2.1}, {@code 2001:db8::1}, {@code [::1]}). */
    public static Optional<InetAddress> parse(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        byte[] v4 = ipv4(h);
        try {
            if (v4 != null) {
                return Optional.of(InetAddress.getByAddress(v4));
            }
            if (h.indexOf(':') >= 0 && isV6Chars(h)) {
                // The JDK parses a string containing ':' as an IPv6 literal and never asks DNS.
                return Optional.of(InetAddress.getByName(h));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean isV6Chars(String h) {
        int pct = h.indexOf('%');
        String addr = pct >= 0 ? h.substring(0, pct) : h;
        for (int i = 0; i < addr.length(); i++) {
            char c = addr.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ipv4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }
}
