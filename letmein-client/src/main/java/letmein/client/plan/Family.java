package letmein.client.plan;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/** An IP address family; a knock is one exchange over exactly one family. */
public enum Family {
    IPV6("IPv6", "AAAA", StandardProtocolFamily.INET6),
    IPV4("IPv4", "A", StandardProtocolFamily.INET);

    private final String label;
    private final String dnsRecord;
    private final ProtocolFamily protocolFamily;

    Family(String label, String dnsRecord, ProtocolFamily protocolFamily) {
        this.label = label;
        this.dnsRecord = dnsRecord;
        this.protocolFamily = protocolFamily;
    }

    /** The family of {@code address} (an IPv4-mapped IPv6 address counts as IPv6 here). */
    public static Family of(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    public boolean matches(InetAddress address) {
        return this == IPV4 ? address instanceof Inet4Address : address instanceof Inet6Address;
    }

    /** The DNS record type that yields addresses of this family. */
    public String dnsRecord() {
        return dnsRecord;
    }

    public ProtocolFamily protocolFamily() {
        return protocolFamily;
    }

    @Override
    public String toString() {
        return label;
    }
}
