/**
 * Live reload in letmeinfwd: the running configuration as one immutable snapshot ({@code FwdConfig}),
 * swapped on SIGHUP or when letmeind's requests show it has loaded a newer file, and the rule that
 * decides which config checksums letmeinfwd accepts while the two daemons reload one after the other
 * ({@code ChecksumRule}). The rule is documented in docs/PROTOCOL.md ("Live reload").
 */
package letmein.fwd.reload;
