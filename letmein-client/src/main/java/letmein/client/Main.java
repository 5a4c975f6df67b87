package letmein.client;

/** Entry point of letmein-client (being built; see the open issues). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("letmein-client: not implemented yet");
        System.exit(1);
    }
}
