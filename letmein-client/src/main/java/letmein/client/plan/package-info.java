/**
 * Deciding a knock before any packet is sent: user, key, resource, transport, control port and the
 * addresses per family ({@link letmein.client.plan.KnockPlan}), from the command line
 * ({@link letmein.client.plan.KnockRequest}), the client config and a {@link letmein.client.plan.Resolver}.
 * Pure, so the rules of docs/client.md ("Choosing what to knock", "Address families") are unit tested
 * without a network.
 */
package letmein.client.plan;
