package letmein.daemon;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** Collects a started daemon's output, line by line, on a reader thread (tests that run the real program). */
final class OutputLines {
    private OutputLines() {
    }

    static void collect(Process p, Collection<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception e) {
                lines.add("reader: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
    }
}
