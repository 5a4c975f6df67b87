package letmein.fwd.lease;

/**
 * How letmeinfwd renews a port lease that is already in the kernel set. Chosen once at start by
 * {@link RefreshProbe}, because what works depends on the running kernel, not on its version string.
 */
public enum RefreshMode {
    /**
     * One {@code add element … expires T}: the kernel restarts the element's timer (Linux 6.10 and later).
     * Costs what a new lease costs (~2 ms of nft).
     */
    READD("add with expires (the kernel restarts the timer)"),
    /**
     * {@code add} + {@code delete} + {@code add} in one transaction: works on every kernel, but the removal
     * waits for an RCU grace period (~10 ms per transaction measured on Linux 6.18).
     */
    ADD_DELETE_ADD("add + delete + add (the kernel does not restart a timer on re-add)");

    private final String description;

    RefreshMode(String description) {
        this.description = description;
    }

    /** For the start-up log line. */
    public String description() {
        return description;
    }
}
