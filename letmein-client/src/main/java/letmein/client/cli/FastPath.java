package letmein.client.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import letmein.client.Environment;
import letmein.client.plan.KnockRequest;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Start-up shortcut for the commands ssh runs on every connection ({@code knock}, {@code revoke},
 * {@code connect}): picocli's classes are compiled for Java 5, so class-data sharing cannot archive
 * them and loading them costs ~60 ms per start. This parser accepts only the plain, valid spelling of
 * those command lines and hands everything else (help, errors, bundled flags, {@code --opt=value},
 * repeated options, {@code check}, {@code gen-key}, …) to picocli, which stays the single authority on
 * syntax and messages. A property test checks that whatever this accepts, picocli parses identically.
 */
public final class FastPath {
    /** A command line this parser understood. */
    record Parsed(Path config, boolean verbose, String command, KnockRequest request) {
    }

    private FastPath() {
    }

    /** Runs the command if the fast parser understood it; empty means "ask picocli". */
    public static Optional<Integer> run(String[] args, Environment env) {
        Optional<Parsed> p = parse(args);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        Parsed parsed = p.get();
        Actions actions = new Actions(env, parsed.config(), parsed.verbose());
        try {
            switch (parsed.command()) {
                case "knock":
                    return Optional.of(actions.knock(parsed.request(), Operation.KNOCK));
                case "revoke":
                    return Optional.of(actions.knock(parsed.request(), Operation.REVOKE));
                default:
                    return Optional.of(actions.connect(parsed.request()));
            }
        } catch (ClientException | RuntimeException e) {
            return Optional.of(Cli.report(env, e));
        }
    }

    static Optional<Parsed> parse(String[] args) {
        Path config = null;
        boolean verbose = false;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("-c") || a.equals("--config")) && config == null && i + 1 < args.length
                    && isOptionValue(args[i + 1])) {
                config = Path.of(args[++i]);
            } else if (a.equals("--verbose") && !verbose) {
                verbose = true;
            } else {
                break;
            }
        }
        if (i >= args.length) {
            return Optional.empty();
        }
        String command = args[i++];
        if (!command.equals("knock") && !command.equals("revoke") && !command.equals("connect")) {
            return Optional.empty();
        }
        UserId user = null;
        ResourceId resource = null;
        Integer serverPort = null;
        boolean tcp = false;
        boolean udp = false;
        boolean v4 = false;
        boolean v6 = false;
        String host = null;
        Integer port = null;
        for (; i < args.length; i++) {
            String a = args[i];
            boolean hasValue = i + 1 < args.length && isOptionValue(args[i + 1]);
            try {
                if ((a.equals("-u") || a.equals("--user")) && user == null && hasValue) {
                    user = UserId.parse(args[++i]);
                } else if ((a.equals("-r") || a.equals("--resource")) && resource == null && hasValue) {
                    resource = ResourceId.parse(args[++i]);
                } else if ((a.equals("-P") || a.equals("--server-port")) && serverPort == null && hasValue) {
                    serverPort = port(args[++i]);
                    if (serverPort == null) {
                        return Optional.empty();
                    }
                } else if ((a.equals("-T") || a.equals("--server-port-tcp")) && !tcp) {
                    tcp = true;
                } else if ((a.equals("-U") || a.equals("--server-port-udp")) && !udp) {
                    udp = true;
                } else if ((a.equals("-4") || a.equals("--ipv4")) && !v4) {
                    v4 = true;
                } else if ((a.equals("-6") || a.equals("--ipv6")) && !v6) {
                    v6 = true;
                } else if (isValue(a) && host == null) {
                    host = a;
                } else if (isValue(a) && port == null) {
                    port = port(a);
                    if (port == null) {
                        return Optional.empty();
                    }
                } else {
                    return Optional.empty();
                }
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // picocli words the error
            }
        }
        if (host == null) {
            return Optional.empty();
        }
        boolean isConnect = command.equals("connect");
        if (isConnect ? port == null : port != null && resource != null) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(config, verbose, command, new KnockRequest(host,
                port == null ? OptionalInt.empty() : OptionalInt.of(port), Optional.ofNullable(resource),
                Optional.ofNullable(user), serverPort == null ? OptionalInt.empty() : OptionalInt.of(serverPort),
                tcp, udp, v4, v6)));
    }

    /** A token picocli would take as a value or positional: not empty, not option-like. */
    private static boolean isValue(String s) {
        return !s.isEmpty() && s.charAt(0) != '-' && s.charAt(0) != '@';
    }

    /** A value picocli gives to an option: also not the name of a command (picocli refuses those). */
    private static boolean isOptionValue(String s) {
        return isValue(s) && !COMMANDS.contains(s);
    }

    private static final java.util.Set<String> COMMANDS = java.util.Set.of("knock", "revoke", "gen-key", "connect",
            "check", "help");

    /** 1..65535 written as plain decimal digits; anything else is left to picocli. */
    private static Integer port(String s) {
        if (s.isEmpty() || s.length() > 5 || s.charAt(0) == '0') {
            return null;
        }
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return null;
            }
        }
        int v = Integer.parseInt(s);
        return v <= 65535 ? v : null;
    }
}
