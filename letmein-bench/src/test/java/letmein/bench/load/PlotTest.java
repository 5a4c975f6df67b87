package letmein.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The figures' pure parts (what goes in the title, the axis floor) and that both figures build; no pixels. */
class PlotTest {
    private static final String LOAD = ""
            + "{\"date\": \"2026-11-23T14:10:00Z\", \"label\": \"ipv4\", \"transport\": \"tcp\", \"clients\": 1,"
            + " \"knocks_per_s\": 54.0, \"p50_ms\": 16.2, \"p99_ms\": 35.8, \"load_before\": 0.54, \"load_after\": 0.77}\n"
            + "{\"date\": \"2026-11-23T14:11:30Z\", \"label\": \"ipv4\", \"transport\": \"tcp\", \"clients\": 8,"
            + " \"knocks_per_s\": 287.9, \"p50_ms\": 28.0, \"p99_ms\": 45.3, \"load_before\": 0.77, \"load_after\": 1.34}\n";

    @Test
    void subtitleSaysWhenAndUnderWhichLoad() throws IOException {
        assertThat(Plot.when(JsonLines.parse("f", LOAD)))
                .isEqualTo("measured 2026-11-23 14:10:00 to 14:11:30 UTC, 1-min load average 0.54 to 1.34 (2 cores), 2 runs");
        assertThat(Plot.when(JsonLines.parse("f", "{\"a\": 1}"))).startsWith("date not recorded, load average not recorded");
    }

    @Test
    void successAxisStartsAt95UnlessTheDataGoesLower() {
        assertThat(Plot.successFloor(99.2)).isEqualTo(95.0);
        assertThat(Plot.successFloor(87.0)).isEqualTo(80.0);
        assertThat(Plot.successFloor(3.0)).isEqualTo(0.0);
    }

    @Test
    void familyLabels() {
        assertThat(Plot.familyOf("ipv6")).isEqualTo("IPv6");
        assertThat(Plot.familyOf("leases-10")).isEqualTo("leases-10");
    }

    @Test
    void figuresAreBuiltAtTheDocumentedSize() throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = Plot.loadFigure(JsonLines.parse("f", LOAD), "f");
        assertThat(img.getWidth()).isEqualTo(900);
        assertThat(img.getHeight()).isEqualTo(550);
        String flood = "{\"transport\": \"udp\", \"rate_asked_pps\": 50000, \"rate_achieved_pps\": 49999.0,"
                + " \"success_ratio\": 0.9919, \"p99_ms\": 56.8}\n";
        assertThat(Plot.floodFigure(JsonLines.parse("f", flood), "f").getWidth()).isEqualTo(900);
    }

    @Test
    void aRecordWithoutItsNumbersIsAnErrorNotASilentGap() {
        assertThatThrownBy(() -> Plot.loadFigure(JsonLines.parse("load.jsonl", "{\"transport\": \"tcp\"}"), "load.jsonl"))
                .isInstanceOf(IOException.class).hasMessage("load.jsonl record 1: field \"clients\" missing or not a number");
        assertThatThrownBy(() -> Plot.floodFigure(JsonLines.parse("f", ""), "f")).hasMessage("f: no results to plot");
    }
}
