/**
 * {@code letmein check}, the dual-stack audit, whole: probing the protected port
 * ({@link letmein.client.check.PortProbe}), the probe–knock–probe–revoke sequence per address family
 * ({@link letmein.client.check.Audit}), the verdicts ({@link letmein.client.check.FamilyAudit}) and the
 * table and exit code ({@link letmein.client.check.AuditReport}). See docs/client.md, "Dual-stack audit".
 */
package letmein.client.check;
