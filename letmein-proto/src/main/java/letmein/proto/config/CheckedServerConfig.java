package letmein.proto.config;

import java.util.List;
import java.util.Objects;

/**
 * {@code letmeind.conf} as a daemon loads it ({@link Configs#loadServerChecked}): the validated config,
 * the document it was parsed from (so that later checks can name lines) and the problems
 * {@link ServerConfigCheck} found. A daemon must not start when {@link #hasErrors()}.
 */
public record CheckedServerConfig(ServerConfig config, IniDocument document, List<ConfigProblem> problems) {
    public CheckedServerConfig {
        Objects.requireNonNull(config);
        Objects.requireNonNull(document);
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return ConfigProblem.anyError(problems);
    }
}
