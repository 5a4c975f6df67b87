/**
 * What is open for whom until when: letmeinfwd's only mutable state ({@link letmein.fwd.lease.LeaseBook})
 * and the policy that turns an accepted request into firewall changes (max-nr-rules, lease expiry, how
 * the running kernel refreshes a lease), plus the firewall's state at start and at stop
 * ({@link letmein.fwd.lease.FirewallSetup}). It decides what to change; {@link letmein.fwd.nft} knows
 * how to say it to nft.
 */
package letmein.fwd.lease;
