/**
 * Addresses in one canonical form (an IPv4 client seen on a dual-stack socket is IPv4), used for the
 * limiter key, the IPC request, the firewall element and every log line, so they always agree.
 */
package letmein.proto.net;
