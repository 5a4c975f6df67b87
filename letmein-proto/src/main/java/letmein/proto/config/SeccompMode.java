package letmein.proto.config;

/**
 * {@code seccomp} option, accepted for compatibility. A JVM cannot run under upstream's in-process
 * syscall lists; the shipped systemd units' {@code SystemCallFilter=} is our equivalent.
 */
public enum SeccompMode {
    OFF, LOG, KILL
}
