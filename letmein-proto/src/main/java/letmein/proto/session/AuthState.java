package letmein.proto.session;

/** How far a session has authenticated; the error policy decides per state whether errors are answered. */
public enum AuthState {
    /** Nothing verified yet (no valid KNOCK/REVOKE MAC). */
    NOT_AUTH,
    /** KNOCK/REVOKE MAC verified with the zero challenge (replayable, so only "basic"). */
    BASIC_AUTH,
    /** RESPONSE MAC verified against this session's fresh challenge. */
    FULL_AUTH
}
