package letmein.bench.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The pure parts of the plot tool (ticks, reading and grouping results), and one headless render. */
class PlotTest {
    @TempDir
    Path dir;

    @Test
    void ticksAreRoundStepsCoveringTheMaximum() {
        assertThat(Plot.ticks(2518, 6)).containsExactly(0, 500, 1000, 1500, 2000, 2500, 3000);
        assertThat(Plot.ticks(100.0, 6)).containsExactly(0, 20, 40, 60, 80, 100);
        assertThat(Plot.ticks(0.7, 6)).containsExactly(0, 0.2, 0.4, 0.6000000000000001, 0.8);
        assertThat(Plot.ticks(0, 6)).as("nothing measured: still an axis").hasSizeGreaterThan(1);
        assertThat(Plot.tickText(2500)).isEqualTo("2,500");
        assertThat(Plot.tickText(0.5)).isEqualTo("0.5");
    }

    private Path lines(String... rows) throws IOException {
        Path f = dir.resolve("r.jsonl");
        Files.writeString(f, String.join("\n", rows) + "\n");
        return f;
    }

    @Test
    void resultsAreGroupedByFamilyAndTransportWithOneValuePerClientCount() throws IOException {
        List<JsonNode> rows = Plot.readLines(lines(
                "{\"label\":\"ipv4\",\"transport\":\"tcp\",\"clients\":8,\"knocks_per_s\":1300,\"load_before\":0.5}",
                "",
                "{\"label\":\"ipv4\",\"transport\":\"tcp\",\"clients\":1,\"knocks_per_s\":320,\"load_after\":1.7}",
                "{\"label\":\"ipv6\",\"transport\":\"udp\",\"clients\":8,\"knocks_per_s\":1200}"));
        assertThat(rows).hasSize(3);
        List<Long> xs = Plot.categories(rows, "clients");
        assertThat(xs).containsExactly(1L, 8L);
        var groups = Plot.group(rows, "label", "transport");
        assertThat(groups).containsOnlyKeys("IPv4 TCP", "IPv6 UDP");
        assertThat(Plot.values(groups.get("IPv4 TCP"), "clients", xs, "knocks_per_s", 1)).containsExactly(320, 1300);
        double[] v6 = Plot.values(groups.get("IPv6 UDP"), "clients", xs, "knocks_per_s", 1);
        assertThat(v6[0]).as("not measured").isNaN();
        assertThat(Plot.loadRange(rows)).isEqualTo("0.50-1.70");
    }

    @Test
    void aLineThatIsNotAJsonObjectIsRejectedWithItsLineNumber() throws IOException {
        Path f = lines("{\"clients\":1}", "[1,2]");
        assertThatThrownBy(() -> Plot.readLines(f)).isInstanceOf(IOException.class).hasMessageEndingWith(":2: not a JSON object");
    }

    @Test
    void aFloodPlotIsRenderedHeadless() throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path in = lines(
                "{\"transport\":\"tcp\",\"flood_asked_pps\":0,\"success_ratio\":1.0,\"p99_ms\":8.0}",
                "{\"transport\":\"tcp\",\"flood_asked_pps\":50000,\"success_ratio\":0.999,\"p99_ms\":30.5}",
                "{\"transport\":\"udp\",\"flood_asked_pps\":50000,\"success_ratio\":0.99,\"p99_ms\":40.0}");
        Path out = dir.resolve("flood.png");
        Plot.main(new String[] {"flood", in.toString(), out.toString()});
        BufferedImage img = ImageIO.read(out.toFile());
        assertThat(img.getWidth()).isEqualTo(Plot.WIDTH);
        assertThat(img.getHeight()).isEqualTo(Plot.HEIGHT);
    }
}
