/**
 * Live reload of {@code letmeind.conf}, shared by both daemons so that they apply the same rule: read the
 * file so that a write in progress is not taken for the new configuration ({@code StableRead}), tell what
 * changed and whether any of it needs a restart ({@code ConfigDiff}), and swap one immutable snapshot
 * through one holder ({@code Reloader}). A reload either applies completely or not at all
 * ({@code ReloadOutcome}). The rule is documented in docs/PROTOCOL.md ("Live reload").
 */
package letmein.proto.reload;
