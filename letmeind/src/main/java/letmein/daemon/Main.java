package letmein.daemon;

/** Entry point of letmeind (being built; see the open issues). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("letmeind: not implemented yet");
        System.exit(1);
    }
}
