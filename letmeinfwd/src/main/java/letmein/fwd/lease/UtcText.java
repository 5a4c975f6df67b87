package letmein.fwd.lease;

/**
 * Formats a UTC time as {@code 2026-11-23T12:00:00Z}, what {@code Instant.toString()} prints for whole
 * seconds, by calendar arithmetic: java.time's formatting classes would be loaded by the first knock and
 * stay resident in a daemon whose memory budget is 40 MiB. Only for the {@code until=} of the lease log.
 */
final class UtcText {
    private UtcText() {
    }

    /** {@code epochSecond} as {@code 2026-11-23T12:00:00Z}. */
    static String format(long epochSecond) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        long z = days + 719_468; // days since 0000-03-01 (proleptic Gregorian)
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder b = new StringBuilder(20).append(year);
        long[] parts = {month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60};
        String[] before = {"-", "-", "T", ":", ":"};
        for (int i = 0; i < parts.length; i++) {
            b.append(before[i]).append(parts[i] < 10 ? "0" : "").append(parts[i]);
        }
        return b.append('Z').toString();
    }
}
