package letmein.client.cli;

import letmein.proto.daemon.Version;
import picocli.CommandLine;

/**
 * The {@code -v} / {@code --version} text of every command, {@code letmein version X.Y.Z}, from the
 * version the build wrote from the pom ({@link Version}): no source file carries a version number.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {Version.line("letmein")};
    }
}
