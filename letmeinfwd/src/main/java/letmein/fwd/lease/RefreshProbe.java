package letmein.fwd.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.L4Proto;
import letmein.fwd.nft.NftBackend;
import letmein.fwd.nft.NftCommands;
import letmein.fwd.nft.NftException;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.net.Addresses;

/**
 * Finds out at start whether re-adding a set element with an explicit expiry restarts its timer in the
 * running kernel (it does from Linux 6.10 on), by trying it: a probe element that cannot match any real
 * packet (source 0.0.0.0 or ::, TCP port 0) is added to letmeinfwd's own, freshly created lease set with
 * a short expiry, re-added with a long one, read back and removed. Any failure or doubt selects the safe
 * {@link RefreshMode#ADD_DELETE_ADD}; the probe never stops letmeinfwd from starting.
 */
public final class RefreshProbe {
    /** Kernel timeout of the probe element: if removing it fails, the kernel drops it after this. */
    static final long PROBE_TIMEOUT_SECONDS = 30;
    private static final long SHORT_EXPIRY_SECONDS = 3;
    /** Re-added with the full timeout: an expiry above this proves the timer was restarted. */
    private static final long RESTARTED_ABOVE_SECONDS = 20;
    private static final int PROBE_PORT = 0;

    private final NftBackend nft;
    private final FirewallNames names;
    private final NftCommands json;
    private final DaemonLog log;

    public RefreshProbe(NftBackend nft, FirewallNames names, DaemonLog log) {
        this.nft = nft;
        this.names = names;
        this.json = new NftCommands(names);
        this.log = log;
    }

    /** Runs the probe (after {@link FirewallSetup#start()} created the sets) and logs what it chose. */
    public RefreshMode detect() {
        InetAddress probe = probeAddress();
        RefreshMode mode;
        try {
            mode = tryReAdd(probe);
        } catch (NftException e) {
            log.warn("lease refresh probe failed, using the slower add+delete+add refresh: " + e.getMessage());
            mode = RefreshMode.ADD_DELETE_ADD;
        } finally {
            remove(probe);
        }
        log.info("lease refresh=" + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": "
                + mode.description());
        return mode;
    }

    private RefreshMode tryReAdd(InetAddress probe) throws NftException {
        nft.apply(NftCommands.document(List.of(json.addElementExpiring(probe, L4Proto.TCP, PROBE_PORT,
                PROBE_TIMEOUT_SECONDS, SHORT_EXPIRY_SECONDS))));
        nft.apply(NftCommands.document(List.of(json.addElementExpiring(probe, L4Proto.TCP, PROBE_PORT,
                PROBE_TIMEOUT_SECONDS, PROBE_TIMEOUT_SECONDS))));
        long expires = expiresOf(nft.listTable(names), probe);
        if (expires < 0) {
            throw new NftException("the probe element " + Addresses.text(probe) + " . tcp . " + PROBE_PORT
                    + " is not listed in set " + NftCommands.setFor(probe) + " right after it was added");
        }
        return expires > RESTARTED_ABOVE_SECONDS ? RefreshMode.READD : RefreshMode.ADD_DELETE_ADD;
    }

    /** Seconds until the probe element expires as nft lists it, or -1 if it is not listed. */
    static long expiresOf(JsonNode table, InetAddress probe) {
        String set = NftCommands.setFor(probe);
        String addr = Addresses.text(probe);
        for (JsonNode item : table.path("nftables")) {
            JsonNode s = item.get("set");
            if (s == null || !s.path("name").asText().equals(set)) {
                continue;
            }
            for (JsonNode e : s.path("elem")) {
                JsonNode el = e.path("elem");
                JsonNode concat = el.path("val").path("concat");
                if (concat.size() == 3 && concat.get(0).asText().equals(addr)
                        && FirewallSetup.proto(concat.get(1)) == L4Proto.TCP && concat.get(2).asInt(-1) == PROBE_PORT) {
                    return el.path("expires").asLong(0);
                }
            }
        }
        return -1;
    }

    private void remove(InetAddress probe) {
        try {
            // add + delete: deleting an absent element would fail the transaction
            nft.apply(NftCommands.document(List.of(json.addElement(probe, L4Proto.TCP, PROBE_PORT, PROBE_TIMEOUT_SECONDS),
                    json.deleteElement(probe, L4Proto.TCP, PROBE_PORT))));
        } catch (NftException e) {
            log.warn("could not remove the lease refresh probe element (the kernel drops it within "
                    + PROBE_TIMEOUT_SECONDS + " s): " + e.getMessage());
        }
    }

    private InetAddress probeAddress() {
        try {
            return InetAddress.getByAddress(new byte[names.hasV4() ? 4 : 16]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
