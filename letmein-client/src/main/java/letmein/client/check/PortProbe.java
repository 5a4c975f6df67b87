package letmein.client.check;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** Tries a TCP connection to the protected port for {@link Audit}: is it reachable right now? */
public final class PortProbe {
    /** The outcome of one connection attempt. */
    public enum Reach {
        OPEN("open"), REFUSED("closed (refused)"), SILENT("closed (no answer)"), UNREACHABLE("closed (unreachable)");

        private final String text;

        Reach(String text) {
            this.text = text;
        }

        public boolean open() {
            return this == OPEN;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private PortProbe() {
    }

    public static Reach probe(InetSocketAddress target, Duration timeout) {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.socket().connect(target, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return Reach.OPEN;
        } catch (SocketTimeoutException e) {
            return Reach.SILENT;
        } catch (ConnectException e) {
            return String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused")
                    ? Reach.REFUSED : Reach.UNREACHABLE;
        } catch (IOException e) {
            return Reach.UNREACHABLE;
        }
    }
}
