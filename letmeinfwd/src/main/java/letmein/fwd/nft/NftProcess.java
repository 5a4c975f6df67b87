package letmein.fwd.nft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Runs the {@code nft} executable: {@code nft -j -f -} with a JSON document on stdin, {@code nft -j list
 * table …}. Each call is bounded by a timeout (the process is killed when it is exceeded) and a failure
 * carries nft's stderr, so the admin sees nft's own reason.
 */
public final class NftProcess implements NftBackend {
    private final String exe;
    private final Duration timeout;
    /** Drains nft's stdout and stderr concurrently (never the common pool, which may have one thread). */
    private final ExecutorService drainers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nft-output");
        t.setDaemon(true);
        return t;
    });

    public NftProcess(String exe, Duration timeout) {
        this.exe = exe;
        this.timeout = timeout;
    }

    /** Checks that the executable can be started at all ({@code nft --version}); returns its output. */
    public String probe() throws NftException {
        Result r = run(List.of("--version"), new byte[0]);
        if (r.exit != 0) {
            throw new NftException("'" + exe + " --version' failed with exit code " + r.exit + ": " + r.stderr.trim());
        }
        return r.stdout.trim();
    }

    @Override
    public void apply(ObjectNode document) throws NftException {
        Result r = run(List.of("-j", "-f", "-"), JsonText.text(document).getBytes(StandardCharsets.UTF_8));
        if (r.exit != 0) {
            throw new NftException("nft rejected the transaction (exit " + r.exit + "): " + oneLine(r.stderr));
        }
    }

    @Override
    public JsonNode listTable(FirewallNames names) throws NftException {
        return list(names, List.of("-j", "list", "table", names.family().nftName(), names.table()));
    }

    @Override
    public JsonNode listTableTerse(FirewallNames names) throws NftException {
        return list(names, List.of("-j", "-t", "list", "table", names.family().nftName(), names.table()));
    }

    private JsonNode list(FirewallNames names, List<String> args) throws NftException {
        Result r = run(args, new byte[0]);
        if (r.exit != 0) {
            throw new NftException("cannot list table " + names.family().nftName() + " " + names.table()
                    + " (exit " + r.exit + "): " + oneLine(r.stderr));
        }
        try {
            return JsonText.parse(r.stdout);
        } catch (IOException e) {
            throw new NftException("nft printed something that is not JSON: " + e.getMessage(), e);
        }
    }

    private static String oneLine(String s) {
        return s.trim().replace('\n', ' ');
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private Result run(List<String> args, byte[] stdin) throws NftException {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe);
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new NftException("cannot run '" + exe + "': " + e.getMessage(), e);
        }
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), drainers);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), drainers);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // nft exited early (e.g. a usage error); its exit code and stderr below explain why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new NftException("'" + exe + " " + String.join(" ", args) + "' did not finish within "
                        + timeout.toMillis() + " ms and was killed");
            }
            return new Result(p.exitValue(), out.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    err.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NftException("interrupted while waiting for nft", e);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new NftException("cannot read the output of nft: " + e, e);
        }
    }

    private static String drain(InputStream s) {
        try (s) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
