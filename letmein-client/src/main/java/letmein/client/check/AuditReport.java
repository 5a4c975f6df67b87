package letmein.client.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import letmein.client.check.FamilyAudit.Verdict;
import letmein.client.net.KnockException;
import letmein.proto.net.Addresses;

/**
 * Turns the per-family observations of {@code letmein check} into a table and one overall result
 * with an exit code a monitoring system can act on: 0 only if every audited family was shut before
 * the knock and open after it.
 */
public final class AuditReport {
    /** The overall result; {@link #exitCode()} is 0 for OK and 1 for everything else. */
    public enum Overall {
        OK, EXPOSED, INCONSISTENT, FAILED;

        public int exitCode() {
            return this == OK ? 0 : 1;
        }
    }

    private AuditReport() {
    }

    public static Overall overall(List<FamilyAudit> rows) {
        List<Verdict> audited = new ArrayList<>();
        for (FamilyAudit r : rows) {
            if (r.verdict() != Verdict.NO_ADDRESS) {
                audited.add(r.verdict());
            }
        }
        if (audited.isEmpty()) {
            return Overall.FAILED;
        }
        if (audited.contains(Verdict.EXPOSED)) {
            return Overall.EXPOSED;
        }
        long ok = audited.stream().filter(v -> v == Verdict.OK).count();
        if (ok == audited.size()) {
            return Overall.OK;
        }
        return ok > 0 ? Overall.INCONSISTENT : Overall.FAILED;
    }

    /** The table and the summary line, for stdout. */
    public static String render(String host, int port, List<FamilyAudit> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"family", "address", "before knock", "knock", "after knock", "revoke", "verdict"});
        for (FamilyAudit r : rows) {
            cells.add(new String[] {r.family().toString(), r.address().map(Addresses::text).orElse("-"),
                r.before().map(Object::toString).orElse("-"), step(r.knock()), r.after().map(Object::toString).orElse("-"),
                step(r.revoke()), r.verdict().toString()});
        }
        int[] width = new int[7];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", row[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        Overall o = overall(rows);
        sb.append("check ").append(host).append(" port ").append(port).append(": ").append(o).append(" - ")
                .append(explain(o, rows)).append('\n');
        for (FamilyAudit r : rows) {
            r.knock().flatMap(k -> k).ifPresent(e -> sb.append(r.family()).append(" knock: ").append(e.getMessage())
                    .append('\n'));
            r.revoke().flatMap(k -> k).ifPresent(e -> sb.append(r.family()).append(" revoke: ")
                    .append(e.getMessage()).append('\n'));
        }
        return sb.toString();
    }

    private static String step(Optional<Optional<KnockException>> step) {
        if (step.isEmpty()) {
            return "-";
        }
        return step.get().map(e -> failureWord(e.kind())).orElse("ok");
    }

    private static String failureWord(KnockException.Kind kind) {
        switch (kind) {
            case REJECTED: return "rejected";
            case NO_ANSWER: return "no answer";
            case REFUSED: return "refused";
            case UNREACHABLE: return "unreachable";
            case BAD_REPLY: return "bad reply";
            default: throw new AssertionError(kind);
        }
    }

    private static String explain(Overall o, List<FamilyAudit> rows) {
        switch (o) {
            case OK:
                return "every audited family was shut before the knock and open after it";
            case EXPOSED:
                return "the port is reachable WITHOUT a knock over " + families(rows, Verdict.EXPOSED)
                        + " (does the firewall guard this family?)";
            case INCONSISTENT:
                return "the address families disagree: OK over " + families(rows, Verdict.OK) + ", not over "
                        + families(rows, null);
            case FAILED:
            default:
                List<String> parts = new ArrayList<>();
                for (FamilyAudit r : rows) {
                    if (r.verdict() != Verdict.NO_ADDRESS) {
                        parts.add(r.family() + " " + r.verdict());
                    }
                }
                return parts.isEmpty() ? "no address to audit" : "no family passed (" + String.join("; ", parts) + ")";
        }
    }

    private static String families(List<FamilyAudit> rows, Verdict v) {
        List<String> names = new ArrayList<>();
        for (FamilyAudit r : rows) {
            boolean match = v == null ? r.verdict() != Verdict.OK && r.verdict() != Verdict.NO_ADDRESS
                    : r.verdict() == v;
            if (match) {
                names.add(r.family().toString());
            }
        }
        return String.join(" and ", names);
    }
}
