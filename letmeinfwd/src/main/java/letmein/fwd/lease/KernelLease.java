package letmein.fwd.lease;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

import letmein.fwd.nft.L4Proto;

/**
 * A port lease as the kernel holds it: one element of a lease set, with its full timeout, the seconds
 * it has left and, if the element carries letmeinfwd's comment, its owner. What letmeinfwd adopts at
 * start and puts back after someone removed its table or sets.
 */
public record KernelLease(InetAddress client, L4Proto proto, int port, long timeoutSeconds, long expiresSeconds,
        Optional<LeaseOwner> owner) {
    public KernelLease {
        Objects.requireNonNull(client);
        Objects.requireNonNull(proto);
        Objects.requireNonNull(owner);
        if (timeoutSeconds < 1 || expiresSeconds < 1) {
            throw new IllegalArgumentException("a lease needs at least 1 s of timeout and of time left");
        }
    }
}
