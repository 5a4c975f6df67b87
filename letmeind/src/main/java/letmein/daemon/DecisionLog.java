package letmein.daemon;

/** Where the daemon's one-line-per-decision log goes (stdout in production, a list in tests). */
@FunctionalInterface
public interface DecisionLog {
    void line(String line);

    /** Lines on stdout (the journal under systemd). */
    static DecisionLog stdout() {
        return line -> {
            System.out.println(line);
            System.out.flush();
        };
    }
}
