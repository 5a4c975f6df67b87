/**
 * Admission: who gets one of the limited session slots ({@code Admission}, global and per source
 * through {@code SourceLimiter}). Kept apart from the transports so that the limits an attacker meets
 * are stated in one place.
 */
package letmein.daemon.policy;
