package letmein.e2e;

import java.util.List;

/**
 * What one command run in the lab did: exit status and both output streams, kept together so that a
 * failed assertion can show all of it.
 *
 * @param command  the command line as run (for messages)
 * @param exitCode the exit status; {@link #TIMED_OUT} if the command had to be killed
 * @param stdout   standard output, decoded as UTF-8
 * @param stderr   standard error, decoded as UTF-8
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    /** Exit status recorded for a command that did not finish within its time limit. */
    public static final int TIMED_OUT = -1;

    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** Both streams, for content checks that do not care where a message was printed. */
    public String output() {
        return stdout + stderr;
    }

    /** A multi-line description for assertion messages. */
    public String describe() {
        return "command: " + String.join(" ", command) + "\nexit: "
                + (exitCode == TIMED_OUT ? "timed out" : Integer.toString(exitCode))
                + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }

    @Override
    public String toString() {
        return describe();
    }
}
