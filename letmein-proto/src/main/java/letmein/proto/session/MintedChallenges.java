package letmein.proto.session;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.LongSupplier;
import letmein.proto.auth.Authenticator;
import letmein.proto.auth.Key;
import letmein.proto.net.Addresses;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;
import org.bouncycastle.crypto.digests.SHA3Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * UDP challenges that are computed, not stored: the nonce is HMAC-SHA3-256, under a secret that only
 * this process knows, over a time slot, the opening operation, the peer's canonical address and port,
 * and the user and resource ids. The client treats the nonce as opaque, so the wire format is
 * upstream's. A RESPONSE is verified by computing the nonce again for the current and the previous
 * slot (and for KNOCK and REVOKE, since the RESPONSE does not say which it answers), so a challenge is
 * valid for at least one and at most two slots. A spoofed or replayed KNOCK thus costs the server two
 * HMACs and no memory; a RESPONSE sent again inside that window is stopped by {@link UsedResponses}.
 */
public final class MintedChallenges implements ChallengeSource {
    private static final byte[] LABEL = "letmein udp challenge v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final byte[] secret;
    private final long slotNanos;
    private final LongSupplier nanoClock;

    /** What a verified RESPONSE answers: the opening operation and the nonce it was sent. */
    public record Match(Operation opening, byte[] nonce, long slot) {
    }

    /**
     * @param secret    32 random bytes, made at start and never written anywhere
     * @param slot      the slot length: letmeind uses the control-timeout, so a challenge is valid for at
     *                  least one control-timeout after it was sent
     * @param nanoClock monotonic time, {@link System#nanoTime} in production
     */
    public MintedChallenges(byte[] secret, java.time.Duration slot, LongSupplier nanoClock) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("secret too short");
        }
        this.secret = secret.clone();
        this.slotNanos = slot.toNanos();
        if (slotNanos <= 0) {
            throw new IllegalArgumentException("slot must be positive");
        }
        this.nanoClock = Objects.requireNonNull(nanoClock);
    }

    /** The current slot number. */
    public long slot() {
        return Math.floorDiv(nanoClock.getAsLong(), slotNanos);
    }

    @Override
    public byte[] nonce(Operation op, InetAddress peer, int port, UserId user, ResourceId resource) {
        return nonce(slot(), op, peer, port, user, resource);
    }

    /**
     * The opening and nonce that {@code response} (from {@code peer:port}) answers, if its MAC verifies
     * under {@code key} against a challenge minted in the current or the previous slot.
     */
    public java.util.Optional<Match> verify(Key key, Message response, InetAddress peer, int port) {
        long now = slot();
        for (long slot = now; slot >= now - 1; slot--) {
            for (Operation op : OPENINGS) {
                byte[] n = nonce(slot, op, peer, port, response.user(), response.resource());
                if (Authenticator.verify(key, response, n)) {
                    return java.util.Optional.of(new Match(op, n, slot));
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static final Operation[] OPENINGS = {Operation.KNOCK, Operation.REVOKE};

    private byte[] nonce(long slot, Operation op, InetAddress peer, int port, UserId user, ResourceId resource) {
        byte[] addr = Addresses.canonical(peer).getAddress();
        ByteBuffer in = ByteBuffer.allocate(LABEL.length + 8 + 4 + 1 + addr.length + 2 + 4 + 4);
        in.put(LABEL).putLong(slot).putInt(op.code()).put((byte) addr.length).put(addr).putShort((short) port)
                .putInt(user.value()).putInt(resource.value());
        HMac hmac = new HMac(new SHA3Digest(256));
        hmac.init(new KeyParameter(secret));
        hmac.update(in.array(), 0, in.position());
        byte[] out = new byte[hmac.getMacSize()];
        hmac.doFinal(out, 0);
        return out;
    }
}
