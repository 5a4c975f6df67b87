/**
 * What letmeinfwd checks of its configuration beyond what letmeind checks too (the shared checks are
 * {@code letmein.proto.config.ServerConfigCheck} and {@code ConfigFileTrust}): that the nft executable
 * of {@code [NFTABLES] exe} exists and can be run ({@link letmein.fwd.preflight.NftExecutable}), and,
 * for {@code --check-config} as root, that the live ruleset has the table and chains letmeinfwd will
 * use ({@link letmein.fwd.preflight.RulesetCheck}). Each problem names the file, the line and the fix.
 */
package letmein.fwd.preflight;
