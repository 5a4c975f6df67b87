package letmein.client.cli;

import java.util.concurrent.Callable;
import letmein.proto.auth.Key;
import letmein.proto.wire.UserId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code letmein gen-key}: a fresh random key line to paste into both [KEYS] sections. */
@Command(name = "gen-key", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Generate a new random key and print it as a [KEYS] line: USER = KEY.")
public final class GenKeyCommand implements Callable<Integer> {
    @ParentCommand
    LetmeinCommand parent;

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "User ID (hex) for the line. Default: [CLIENT] default-user, else 00000000.")
    UserId user;

    @Override
    public Integer call() throws ClientException {
        parent.prepare();
        UserId u = user != null ? user : parent.actions().loadConfig().defaultUser();
        Key key = Key.of(parent.env().randomness().bytes(Key.SIZE));
        parent.env().stdout().println(u + " = " + key.toHex());
        return 0;
    }
}
