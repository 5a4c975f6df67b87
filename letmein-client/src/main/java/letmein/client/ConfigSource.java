package letmein.client;

import java.nio.file.Path;
import java.util.List;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;

/** Where the client config comes from; an interface so tests can hand in records directly. */
public interface ConfigSource {
    /** Loads {@code file}; a missing file gives the defaults. */
    ClientConfig load(Path file) throws ConfigException;

    /** Upstream's permission advice for {@code file} (warnings only). */
    List<String> permissionWarnings(Path file);

    static ConfigSource files() {
        return new ConfigSource() {
            @Override
            public ClientConfig load(Path file) throws ConfigException {
                return Configs.loadClient(file);
            }

            @Override
            public List<String> permissionWarnings(Path file) {
                return Configs.permissionWarnings(file, false);
            }
        };
    }
}
