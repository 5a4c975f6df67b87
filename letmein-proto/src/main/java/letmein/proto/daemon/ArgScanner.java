package letmein.proto.daemon;

import java.util.Locale;
import java.util.Set;

import letmein.proto.config.SeccompMode;

/**
 * Walks a daemon's command line one option at a time, with the usual spellings ({@code --opt VALUE},
 * {@code --opt=VALUE}, {@code -oVALUE}, {@code -o VALUE}). The daemons parse their few options by hand
 * instead of with picocli, which costs them ~3 MiB of resident memory; this class keeps that parsing in
 * one place. Each program keeps its own option names in a {@code switch} over {@link #next()}.
 */
public final class ArgScanner {
    private final String[] args;
    private final Set<String> shortOptionsWithValue;
    private int index;
    private String name;
    private String inline;
    private boolean valueTaken;

    /**
     * @param shortOptionsWithValue the two-character options that take a value, such as {@code -c}, so that
     *                              {@code -cFILE} is read as {@code -c FILE}
     */
    public ArgScanner(String[] args, Set<String> shortOptionsWithValue) {
        this.args = args.clone();
        this.shortOptionsWithValue = Set.copyOf(shortOptionsWithValue);
    }

    public boolean hasNext() {
        return index < args.length;
    }

    /** The next option's name (for {@code --opt=V} and {@code -cV}: {@code --opt}, {@code -c}). */
    public String next() throws UsageException {
        if (name != null && inline != null && !valueTaken) {
            throw new UsageException(name + " takes no value");
        }
        String a = args[index++];
        valueTaken = false;
        inline = null;
        name = a;
        if (a.startsWith("--") && a.indexOf('=') > 0) {
            name = a.substring(0, a.indexOf('='));
            inline = a.substring(a.indexOf('=') + 1);
        } else if (a.length() > 2 && !a.startsWith("--") && shortOptionsWithValue.contains(a.substring(0, 2))) {
            name = a.substring(0, 2);
            inline = a.charAt(2) == '=' ? a.substring(3) : a.substring(2);
        }
        return name;
    }

    /** The current option's value: inline, or the following argument. */
    public String value() throws UsageException {
        valueTaken = true;
        String v;
        if (inline != null) {
            v = inline;
        } else if (index < args.length) {
            v = args[index++];
        } else {
            throw new UsageException("missing value for " + name);
        }
        if (v.isEmpty()) {
            throw new UsageException("missing value for " + name);
        }
        return v;
    }

    /** The current option's value as a positive decimal integer. */
    public int positiveNumber() throws UsageException {
        String v = value();
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("invalid value for " + name + ": '" + v + "' is not a positive number");
    }

    /** The current option's value as a seccomp mode ({@code off}, {@code log}, {@code kill}; any case). */
    public SeccompMode seccompMode() throws UsageException {
        String v = value();
        try {
            return SeccompMode.valueOf(v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid value for " + name + ": '" + v + "' (expected off, log or kill)");
        }
    }

    /** Fails if the current option, which takes no value, was written as {@code --opt=V}. */
    public void noValue() throws UsageException {
        if (inline != null) {
            throw new UsageException(name + " takes no value");
        }
        valueTaken = true;
    }

    /** The error for an option this program does not know (or a stray positional argument). */
    public UsageException unknown() {
        return new UsageException(name.startsWith("-") ? "unknown option '" + name + "'"
                : "unexpected argument '" + name + "'");
    }
}
