package letmein.proto.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * The small value syntaxes of letmein config files (booleans, integers, durations, hex ids, chain names,
 * the {@code a / key: v1, v2} map). Every helper fails with a {@link ConfigException} pointing at the
 * option's line and quoting the bad text.
 */
final class Values {
    /** Largest duration in seconds: upstream stores durations as u32 seconds or an f64 up to u32::MAX. */
    static final long MAX_DURATION_SECONDS = 0xFFFF_FFFFL;

    /**
     * Compiled only when first needed (fractional durations, nftables names): the client's typical
     * config has neither, and compiling them on every start costs start-up time.
     */
    private static final class Lazy {
        static final Pattern FLOAT = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
        static final Pattern CHAIN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
        static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(MAX_DURATION_SECONDS);

        private Lazy() {
        }
    }

    private Values() {
    }

    /**
     * Where a value came from, for error messages: {@code [section] subject}. The text is only built
     * when there is an error (building it for every option cost the client start-up time).
     */
    record Where(Path file, int line, String section, Object subject) {
        ConfigException error(String problem) {
            return new ConfigException(file, line, context() + ": " + problem);
        }

        String context() {
            return "[" + section + "] " + subject;
        }

        static Where of(Path file, String section, IniDocument.Option o) {
            return new Where(file, o.line(), section, o.name());
        }
    }

    /** {@code true|1|yes|on} / {@code false|0|no|off}, case-insensitive, trimmed. */
    static boolean bool(String raw, Where w) throws ConfigException {
        String t = Text.trim(raw).toLowerCase(Locale.ROOT);
        switch (t) {
            case "true": case "1": case "yes": case "on":
                return true;
            case "false": case "0": case "no": case "off":
                return false;
            default:
                throw w.error("invalid boolean " + Text.quote(Text.trim(raw))
                        + " (expected true/false, yes/no, on/off or 1/0)");
        }
    }

    /** True if the text is a decimal number or {@code 0x} hex number (as upstream decides "is a number"). */
    static boolean looksNumeric(String raw) {
        String t = Text.trim(raw);
        // loops, not IntStreams: start-up time of the client
        if (t.startsWith("0x")) {
            for (int i = 2; i < t.length(); i++) {
                char c = t.charAt(i);
                if (!(Character.digit(c, 16) >= 0 && c < 0x80)) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /**
     * An unsigned integer: decimal (an optional leading {@code +} as Rust accepts it) or hex with a
     * lower-case {@code 0x} prefix, at most {@code max}. Returns -1 if it is not such a number.
     */
    static long unsigned(String trimmed, long max) {
        String digits = trimmed;
        int radix = 10;
        if (digits.startsWith("0x")) {
            digits = digits.substring(2);
            radix = 16;
        }
        if (digits.startsWith("+")) {
            digits = digits.substring(1);
        }
        if (digits.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            int d = c < 0x80 ? Character.digit(c, radix) : -1;
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
            if (v > max) {
                return -1;
            }
        }
        return v;
    }

    /** A port number 0..65535 (0 is reported by the callers, which know what it means there). */
    static int port(String raw, Where w) throws ConfigException {
        String t = Text.trim(raw);
        long v = unsigned(t, 65535);
        if (v < 0) {
            throw w.error("invalid port number " + Text.quote(t) + " (expected 1 to 65535, decimal or 0x hex)");
        }
        return (int) v;
    }

    /** An unsigned 32-bit number, decimal or {@code 0x} hex. */
    static long u32(String raw, Where w, String what) throws ConfigException {
        String t = Text.trim(raw);
        long v = unsigned(t, 0xFFFF_FFFFL);
        if (v < 0) {
            throw w.error("invalid " + what + " " + Text.quote(t) + " (expected an unsigned 32-bit number, decimal or 0x hex)");
        }
        return v;
    }

    /**
     * Seconds as an unsigned 32-bit integer or a finite non-negative decimal number up to 2^32-1.
     * Zero (or anything below a millisecond) is refused: a zero timeout would mean "never" to socket
     * APIs and nftables, i.e. a control connection or a lease without end.
     */
    static Duration duration(String raw, Where w) throws ConfigException {
        String t = Text.trim(raw);
        Duration d = parseDuration(t);
        if (d == null) {
            throw w.error("invalid duration " + Text.quote(t)
                    + " (expected seconds: a number from 0.001 to 4294967295, e.g. 60 or 1.5)");
        }
        if (d.compareTo(Duration.ofMillis(1)) < 0) {
            throw w.error("duration " + Text.quote(t) + " is too short (must be at least 0.001 seconds)");
        }
        return d;
    }

    private static Duration parseDuration(String t) {
        long whole = unsigned(t, MAX_DURATION_SECONDS);
        if (whole >= 0) {
            return Duration.ofSeconds(whole);
        }
        Duration plain = plainDecimal(t);
        if (plain != null) {
            return plain;
        }
        if (!Lazy.FLOAT.matcher(t).matches()) {
            return null;
        }
        BigDecimal v;
        try {
            v = new BigDecimal(t);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
        if (v.signum() < 0 || v.compareTo(Lazy.MAX_SECONDS) > 0) {
            return null;
        }
        if (v.signum() == 0 || v.precision() - v.scale() < -10) {
            return Duration.ZERO; // below 1e-10 s
        }
        BigDecimal nanos = v.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN);
        return Duration.ofNanos(nanos.longValueExact());
    }

    /**
     * The common form {@code 3.0} / {@code .25} (digits, a point, at most 9 decimals: exact in nanoseconds)
     * without a regular expression or BigDecimal, which cost the client's start-up ~2 ms; null for any
     * other form (those take the general path, with the same result for this one).
     */
    private static Duration plainDecimal(String t) {
        int dot = t.indexOf('.');
        int decimals = t.length() - dot - 1;
        if (dot < 0 || decimals > 9 || (dot == 0 && decimals == 0) || dot > 10) {
            return null;
        }
        long seconds = 0;
        for (int i = 0; i < dot; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            seconds = seconds * 10 + (c - '0');
        }
        long nanos = 0;
        for (int i = dot + 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            nanos = nanos * 10 + (c - '0');
        }
        for (int i = decimals; i < 9; i++) {
            nanos *= 10;
        }
        if (seconds > MAX_DURATION_SECONDS || (seconds == MAX_DURATION_SECONDS && nanos > 0)) {
            return null; // out of range: the general path rejects it with the usual message
        }
        return Duration.ofSeconds(seconds, nanos);
    }

    /** A user id: 1–8 ASCII hex digits, no {@code 0x}. */
    static UserId user(String raw, Where w) throws ConfigException {
        String t = checkHexId(raw, w, "user");
        return UserId.parse(t);
    }

    /** A resource id: 1–8 ASCII hex digits, no {@code 0x}. */
    static ResourceId resource(String raw, Where w) throws ConfigException {
        String t = checkHexId(raw, w, "resource");
        return ResourceId.parse(t);
    }

    private static String checkHexId(String raw, Where w, String what) throws ConfigException {
        String t = Text.trim(raw);
        boolean ok = !t.isEmpty() && t.length() <= 8;
        for (int i = 0; ok && i < t.length(); i++) {
            char c = t.charAt(i);
            ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }
        if (!ok) {
            throw w.error("'" + what + "' id is invalid: " + Text.quote(t)
                    + " (expected 1 to 8 hex digits without 0x, e.g. 0000001A)");
        }
        return t;
    }

    /** An nftables chain name: 1–64 characters of {@code A-Z a-z 0-9 _ . -}. */
    static String chain(String raw, Where w, String what) throws ConfigException {
        String t = Text.trim(raw);
        if (!Lazy.CHAIN.matcher(t).matches()) {
            throw w.error("invalid " + what + " name " + Text.quote(t)
                    + " (expected 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-')");
        }
        return t;
    }

    /** An item of the {@code /}-separated map syntax. */
    sealed interface MapItem {
    }

    /** {@code key: v1, v2}: key trimmed, values split on {@code ,} and trimmed. */
    record KeyValues(String key, List<String> values) implements MapItem {
        KeyValues {
            values = List.copyOf(values);
        }
    }

    /** A bare {@code v1, v2} item, split on {@code ,} and trimmed. */
    record BareValues(List<String> values) implements MapItem {
        BareValues {
            values = List.copyOf(values);
        }
    }

    /** Splits {@code item / item / …}; an item containing {@code :} is {@code key: values}. */
    static List<MapItem> map(String raw, Where w) throws ConfigException {
        List<MapItem> items = new ArrayList<>();
        for (String item : raw.split("/", -1)) {
            int colon = item.indexOf(':');
            if (colon >= 0) {
                String key = Text.trim(item.substring(0, colon));
                if (key.isEmpty()) {
                    throw w.error("invalid item " + Text.quote(Text.trim(item)) + ": no name before ':'");
                }
                items.add(new KeyValues(key, splitValues(item.substring(colon + 1))));
            } else {
                items.add(new BareValues(splitValues(item)));
            }
        }
        return items;
    }

    private static List<String> splitValues(String s) {
        List<String> out = new ArrayList<>();
        for (String v : s.split(",", -1)) {
            out.add(Text.trim(v));
        }
        return out;
    }
}
