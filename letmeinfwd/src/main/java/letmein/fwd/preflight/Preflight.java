package letmein.fwd.preflight;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.NftException;
import letmein.fwd.nft.NftProcess;
import letmein.proto.config.CheckedServerConfig;
import letmein.proto.config.ConfigException;
import letmein.proto.config.ConfigFileTrust;
import letmein.proto.config.ConfigProblem;
import letmein.proto.config.Configs;
import letmein.proto.config.ServerConfig;

/**
 * letmeind.conf as letmeinfwd loads it, for its start and for {@code --check-config} alike: the file's
 * owner and mode ({@link ConfigFileTrust}, root only), parsing, the checks both daemons share
 * ({@code ServerConfigCheck}), the nft executable ({@link NftExecutable}) and the names of
 * {@code [NFTABLES]}; for {@code --check-config} as root also the live ruleset ({@link RulesetCheck}).
 *
 * @param config the validated config
 * @param names  where letmeinfwd works in nftables
 */
public record Preflight(ServerConfig config, FirewallNames names) {
    private static final String PROGRAM = "letmeinfwd";

    /**
     * Loads and checks {@code file}; prints every problem (errors and warnings) to {@code err} and the
     * note about a skipped ruleset check to {@code out}. Empty if any problem is an error.
     *
     * @param checkRuleset true for {@code --check-config}: also ask nft for the table and chains (as root)
     */
    public static Optional<Preflight> load(Path file, boolean checkRuleset, Duration nftTimeout,
            Map<String, String> env, PrintStream out, PrintStream err) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigFileTrust.check(file, ConfigFileTrust.Reader.LETMEINFWD));
        CheckedServerConfig checked = null;
        FirewallNames names = null;
        boolean exeOk = false;
        try {
            checked = Configs.loadServerChecked(file);
            problems.addAll(checked.problems());
            Optional<ConfigProblem> exe = NftExecutable.check(checked, env);
            exe.ifPresent(problems::add);
            exeOk = exe.isEmpty();
            names = FirewallNames.from(checked.config().nftables());
        } catch (ConfigException e) {
            problems.add(ConfigProblem.of(e.file(), e.line(), ConfigProblem.Severity.ERROR, e.problem()));
        } catch (NftException e) {
            problems.add(ConfigProblem.of(file, checked.document().lineOf("NFTABLES"), ConfigProblem.Severity.ERROR,
                    e.getMessage()));
        }
        // the own table is letmeinfwd's to create: nothing of the live ruleset is needed beforehand
        if (checkRuleset && names != null && exeOk && !names.ownTable()) {
            if (RulesetCheck.runningAsRoot()) {
                problems.addAll(RulesetCheck.check(checked, names,
                        new NftProcess(checked.config().nftables().exe(), nftTimeout)));
            } else {
                out.println(PROGRAM + ": note: not running as root, so the live ruleset was not checked (table "
                        + names.family().nftName() + " " + names.table() + " and its chains); run " + PROGRAM
                        + " --check-config as root to check it too");
            }
        }
        for (ConfigProblem p : problems) {
            err.println(PROGRAM + ": " + p);
        }
        if (names == null || ConfigProblem.anyError(problems)) {
            return Optional.empty();
        }
        return Optional.of(new Preflight(checked.config(), names));
    }
}
