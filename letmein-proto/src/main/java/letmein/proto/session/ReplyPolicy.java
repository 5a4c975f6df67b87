package letmein.proto.session;

import java.util.Objects;
import letmein.proto.config.ErrorPolicy;

/**
 * {@code control-error-policy} applied: whether a protocol error in a given authentication state is
 * answered with GOAWAY. Kept apart from the session so the stealth rule is stated in one place.
 */
public final class ReplyPolicy {
    private final ErrorPolicy errorPolicy;

    public ReplyPolicy(ErrorPolicy errorPolicy) {
        this.errorPolicy = Objects.requireNonNull(errorPolicy);
    }

    /** True if an error that happened in {@code state} gets a GOAWAY. */
    public boolean answersErrorIn(AuthState state) {
        if (errorPolicy == ErrorPolicy.ALWAYS) {
            return true;
        }
        if (errorPolicy == ErrorPolicy.BASIC_AUTH) {
            return state != AuthState.NOT_AUTH;
        }
        return state == AuthState.FULL_AUTH;
    }

    public ErrorPolicy errorPolicy() {
        return errorPolicy;
    }
}
