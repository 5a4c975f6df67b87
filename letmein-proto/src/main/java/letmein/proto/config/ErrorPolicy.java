package letmein.proto.config;

/**
 * {@code control-error-policy}: in which authentication states a protocol error is answered with
 * GOAWAY. Our default is {@link #BASIC_AUTH} (stealth toward scanners and wrong keys).
 */
public enum ErrorPolicy {
    /** Every error after a message decoded is answered. */
    ALWAYS,
    /** Only errors after a valid KNOCK/REVOKE MAC are answered. */
    BASIC_AUTH,
    /** Only errors after a valid RESPONSE (i.e. firewall failures) are answered. */
    FULL_AUTH;

    public static final ErrorPolicy DEFAULT = BASIC_AUTH;

    /** The config spelling: {@code always}, {@code basic-auth}, {@code full-auth}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
