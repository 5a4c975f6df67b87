package letmein.proto.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * The checks of a parsed {@code letmeind.conf} that no single option can fail but that make the
 * whole file unfit to run: nobody has a key, a resource is the control port, a resource nobody with a
 * key may open. Pure (no file system, no nft); both daemons run it at start and for
 * {@code --check-config}, so a daemon never starts on a config that {@code --check-config} refuses.
 * Each problem points at the line to fix.
 */
public final class ServerConfigCheck {
    /** The user id the shipped config and the messages suggest for the first key. */
    static final String FIRST_USER = "00000001";

    private ServerConfigCheck() {
    }

    /** Every problem of {@code config}, which was parsed from {@code doc}; empty if it is fit to run. */
    public static List<ConfigProblem> check(ServerConfig config, IniDocument doc) {
        Path file = config.file();
        List<ConfigProblem> problems = new ArrayList<>();
        boolean noKeys = config.keys().isEmpty();
        if (noKeys) {
            problems.add(ConfigProblem.error(file, doc.lineOf(ConfigParser.KEYS), noKeysMessage(doc)));
        }
        Map<ResourceId, Integer> lines = resourceLines(file, doc);
        ControlPort control = config.general().port();
        String controlWhere = doc.option(ConfigParser.GENERAL, "port")
                .map(o -> "[GENERAL] port on line " + o.line())
                .orElse("the default, as [GENERAL] has no port option");
        for (Resource r : config.resources().values()) { // Map.copyOf: no order; sorted by line below
            int line = lines.getOrDefault(r.id(), doc.lineOf(ConfigParser.RESOURCES));
            if (r instanceof PortResource p && p.port() == control.port()) {
                boolean overlap = p.tcp() && control.tcp() || p.udp() && control.udp();
                String what = "resource " + r.id() + " opens port " + p.port() + "/" + protocols(p.tcp(), p.udp())
                        + ", and letmeind's control port is " + control + " (" + controlWhere + ")";
                if (overlap) {
                    problems.add(ConfigProblem.error(file, line, "[RESOURCES] " + what
                            + ": the control port is open to everybody already and a resource must not be it. "
                            + "Fix: give the resource another port, or move the control port ([GENERAL] port)"));
                } else {
                    problems.add(ConfigProblem.warning(file, line, "[RESOURCES] " + what
                            + ": letmeinfwd refuses every knock for a port with the control port's number. "
                            + "Fix: give the resource another port"));
                }
            }
            usersProblem(config, r, line).ifPresent(problems::add);
        }
        problems.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return List.copyOf(problems);
    }

    private static String noKeysMessage(IniDocument doc) {
        String how = "make a key with 'letmein gen-key -u " + FIRST_USER + "', put the line it prints ("
                + FIRST_USER + " = <64 hex digits>) into [KEYS] of this file and the same line into [KEYS] of "
                + "the client's letmein.conf";
        if (doc.section(ConfigParser.KEYS).isEmpty()) {
            return "there is no [KEYS] section, so nobody can knock. Fix: add a [KEYS] section; " + how;
        }
        return "[KEYS] has no key, so nobody can knock. Fix: " + how;
    }

    private static Optional<ConfigProblem> usersProblem(ServerConfig config, Resource r, int line) {
        Path file = config.file();
        if (r.users().isEmpty()) {
            if (config.keys().isEmpty()) {
                return Optional.of(ConfigProblem.error(file, line, "[RESOURCES] resource " + r.id()
                        + " is for every user with a key, and [KEYS] has no key, so nobody can open it. "
                        + "Fix: add a key to [KEYS] ('letmein gen-key -u " + FIRST_USER + "')"));
            }
            return Optional.empty();
        }
        TreeSet<UserId> without = new TreeSet<>();
        for (UserId u : r.users()) {
            if (!config.keys().containsKey(u)) {
                without.add(u);
            }
        }
        if (without.isEmpty()) {
            return Optional.empty();
        }
        String listed = join(new TreeSet<>(r.users()));
        if (without.size() == r.users().size()) {
            return Optional.of(ConfigProblem.error(file, line, "[RESOURCES] resource " + r.id()
                    + " may be opened only by users: " + listed + ", and none of them has a key in [KEYS], so "
                    + "nobody can open it. Fix: add their keys to [KEYS] ('letmein gen-key -u " + without.first()
                    + "') or correct the users: list"));
        }
        return Optional.of(ConfigProblem.warning(file, line, "[RESOURCES] resource " + r.id()
                + " lists users: " + join(without) + " without a key in [KEYS]; they cannot knock. "
                + "Fix: add their keys ('letmein gen-key -u " + without.first() + "') or remove them from users:"));
    }

    /** The line of each resource: option names are the ids as written, so they are parsed again. */
    private static Map<ResourceId, Integer> resourceLines(Path file, IniDocument doc) {
        Map<ResourceId, Integer> lines = new HashMap<>();
        doc.section(ConfigParser.RESOURCES).ifPresent(s -> {
            for (IniDocument.Option o : s.options()) {
                try {
                    lines.put(Values.resource(o.name(), new Values.Where(file, o.line(), ConfigParser.RESOURCES,
                            o.name())), o.line());
                } catch (ConfigException e) {
                    // cannot happen for a document the parser accepted; the resource then points at [RESOURCES]
                }
            }
        });
        return lines;
    }

    private static String protocols(boolean tcp, boolean udp) {
        return tcp && udp ? "tcp,udp" : tcp ? "tcp" : "udp";
    }

    private static String join(Iterable<UserId> users) {
        StringBuilder sb = new StringBuilder();
        for (UserId u : users) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(u);
        }
        return sb.toString();
    }
}
