package letmein.proto.config;

import java.time.Duration;
import java.util.Objects;

/** {@code [GENERAL]}, common to both files. */
public record GeneralConfig(boolean debug, ControlPort port, Duration controlTimeout, ErrorPolicy errorPolicy,
        SeccompMode seccomp) {
    public static final Duration DEFAULT_CONTROL_TIMEOUT = Duration.ofSeconds(5);
    public static final GeneralConfig DEFAULT = new GeneralConfig(false, ControlPort.DEFAULT,
            DEFAULT_CONTROL_TIMEOUT, ErrorPolicy.DEFAULT, SeccompMode.OFF);

    public GeneralConfig {
        Objects.requireNonNull(port);
        Objects.requireNonNull(controlTimeout);
        Objects.requireNonNull(errorPolicy);
        Objects.requireNonNull(seccomp);
    }
}
