package letmein.proto.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SystemdNotify.Transport} that runs {@code systemd-notify STATE} with {@code NOTIFY_SOCKET}
 * inherited: for a daemon without a native AF_UNIX datagram socket. systemd accepts the message only
 * with {@code NotifyAccess=all} in the unit, since it comes from a child process.
 */
public final class NotifyCommand implements SystemdNotify.Transport {
    private static final long TIMEOUT_SECONDS = 10;

    @Override
    public void send(String path, String state) throws IOException {
        List<String> cmd = state.equals("READY=1") ? List.of("systemd-notify", "--ready")
                : List.of("systemd-notify", state);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readNBytes(1024);
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("systemd-notify did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for systemd-notify");
        }
        if (p.exitValue() != 0) {
            throw new IOException("systemd-notify exit " + p.exitValue() + ": "
                    + new String(out, StandardCharsets.UTF_8).trim());
        }
    }
}
