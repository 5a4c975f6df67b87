package letmein.fwd;

/** Entry point of letmeinfwd (being built; see the open issues). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("letmeinfwd: not implemented yet");
        System.exit(1);
    }
}
