package letmein.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Turns the load tool's JSON-lines results into PNG charts for docs/benchmarks.md (JDK only: Java2D and
 * ImageIO, headless). Why in the tool: the figures in the doc must be regenerated from the very numbers
 * of a run, not redrawn by hand.
 *
 * <p>usage: Plot [--load load-results.jsonl] [--flood flood-results.jsonl] --out DIR
 * <ul>
 * <li>DIR/load.png: knocks/s, and p50/p99 latency, vs concurrent clients; one line per transport × family.
 * <li>DIR/flood.png: legit success ratio, and p99 latency, vs garbage flood rate (pkt/s sent); TCP and UDP.
 * </ul>
 * When a file holds several runs of the same point (same series and x), the last line wins.
 */
public final class Plot {
    static final int WIDTH = 900;
    static final int HEIGHT = 550;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};

    private Plot() {
    }

    /** One line of a chart: points sorted by x. */
    record Series(String name, Color color, boolean dashed, List<double[]> points) {
    }

    /** One chart panel. */
    record Panel(String title, String xLabel, String yLabel, Axis x, Axis y, List<Series> series, Double refY,
                 String refLabel) {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        Path load = null;
        Path flood = null;
        Path out = null;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--load": load = Path.of(args[i + 1]); break;
                    case "--flood": flood = Path.of(args[i + 1]); break;
                    case "--out": out = Path.of(args[i + 1]); break;
                    default: throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (out == null || (load == null && flood == null)) {
                throw new IllegalArgumentException("usage: Plot [--load FILE] [--flood FILE] --out DIR");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("Plot: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Files.createDirectories(out);
            if (load != null) {
                write(loadFigure(JsonLines.read(load), load.toString()), out.resolve("load.png"));
            }
            if (flood != null) {
                write(floodFigure(JsonLines.read(flood), flood.toString()), out.resolve("flood.png"));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("Plot: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void write(BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
        System.out.println("Plot: wrote " + file);
    }

    /** Knocks/s and latency vs clients from load-results.jsonl lines. */
    static BufferedImage loadFigure(List<JsonNode> rows, String name) throws IOException {
        Map<String, TreeMap<Double, double[]>> bySeries = new LinkedHashMap<>(); // x -> {knocks/s, p50, p99}
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            String where = name + " record " + (i + 1);
            String key = JsonLines.text(r, "transport", where).toUpperCase(Locale.ROOT) + " "
                    + familyOf(r.path("label").asText(""));
            bySeries.computeIfAbsent(key, k -> new TreeMap<>()).put(JsonLines.number(r, "clients", where),
                    new double[] {JsonLines.number(r, "knocks_per_s", where), JsonLines.number(r, "p50_ms", where),
                            JsonLines.number(r, "p99_ms", where)});
        }
        if (bySeries.isEmpty()) {
            throw new IOException(name + ": no results to plot");
        }
        List<Series> rate = new ArrayList<>();
        List<Series> lat = new ArrayList<>();
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        double maxRate = 0;
        double maxLat = 0;
        int c = 0;
        for (Map.Entry<String, TreeMap<Double, double[]>> e : bySeries.entrySet()) {
            Color col = COLORS[c++ % COLORS.length];
            List<double[]> r = new ArrayList<>();
            List<double[]> p50 = new ArrayList<>();
            List<double[]> p99 = new ArrayList<>();
            for (Map.Entry<Double, double[]> p : e.getValue().entrySet()) {
                double x = p.getKey();
                r.add(new double[] {x, p.getValue()[0]});
                p50.add(new double[] {x, p.getValue()[1]});
                p99.add(new double[] {x, p.getValue()[2]});
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                maxRate = Math.max(maxRate, p.getValue()[0]);
                maxLat = Math.max(maxLat, p.getValue()[2]);
            }
            rate.add(new Series(e.getKey(), col, false, r));
            lat.add(new Series(e.getKey() + " p99", col, false, p99));
            lat.add(new Series(e.getKey() + " p50", col, true, p50));
        }
        Axis x = Axis.log2Covering(minX, maxX);
        Panel a = new Panel("Throughput", "concurrent clients (log scale)", "full knocks per second", x,
                Axis.linearFromZero(maxRate), rate, null, null);
        Panel b = new Panel("Latency (solid p99, dashed p50)", "concurrent clients (log scale)",
                "knock latency (ms)", x, Axis.linearFromZero(maxLat), lat, null, null);
        return figure("Full knocks (KNOCK-CHALLENGE-RESPONSE-COMEIN) vs concurrent clients, real letmeind + "
                + "letmeinfwd + nft", when(rows), List.of(a, b));
    }

    /** Legit success ratio and p99 vs flood rate from flood-results.jsonl lines. */
    static BufferedImage floodFigure(List<JsonNode> rows, String name) throws IOException {
        Map<String, TreeMap<Double, double[]>> bySeries = new TreeMap<>(); // transport -> asked rate -> {x, %, p99}
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            String where = name + " record " + (i + 1);
            String t = JsonLines.text(r, "transport", where).toUpperCase(Locale.ROOT);
            bySeries.computeIfAbsent(t, k -> new TreeMap<>()).put(JsonLines.number(r, "rate_asked_pps", where),
                    new double[] {JsonLines.number(r, "rate_achieved_pps", where),
                            100 * JsonLines.number(r, "success_ratio", where), JsonLines.number(r, "p99_ms", where)});
        }
        if (bySeries.isEmpty()) {
            throw new IOException(name + ": no results to plot");
        }
        List<Series> ok = new ArrayList<>();
        List<Series> lat = new ArrayList<>();
        double maxX = 0;
        double minOk = 100;
        double maxLat = 0;
        int c = 0;
        for (Map.Entry<String, TreeMap<Double, double[]>> e : bySeries.entrySet()) {
            Color col = COLORS[c++ % COLORS.length];
            List<double[]> s = new ArrayList<>();
            List<double[]> p = new ArrayList<>();
            for (double[] v : e.getValue().values()) {
                s.add(new double[] {v[0], v[1]});
                p.add(new double[] {v[0], v[2]});
                maxX = Math.max(maxX, v[0]);
                minOk = Math.min(minOk, v[1]);
                maxLat = Math.max(maxLat, v[2]);
            }
            s.sort(Comparator.comparingDouble(v -> v[0]));
            p.sort(Comparator.comparingDouble(v -> v[0]));
            ok.add(new Series("legit " + e.getKey(), col, false, s));
            lat.add(new Series("legit " + e.getKey(), col, false, p));
        }
        Axis x = Axis.linearFromZero(maxX);
        Panel a = new Panel("Legit knocks succeeding", "garbage flood sent (datagrams/s, achieved)",
                "success ratio (%)", x, new Axis(successFloor(minOk), 100.5, false), ok, 99.0, "target 99 %");
        Panel b = new Panel("Legit knock latency p99", "garbage flood sent (datagrams/s, achieved)",
                "p99 latency (ms)", x, Axis.linearFromZero(maxLat), lat, null, null);
        return figure("Legit knocks during a garbage UDP flood to the control port, real letmeind + letmeinfwd + nft",
                when(rows), List.of(a, b));
    }

    /** Bottom of the success axis: 95 %, or lower in steps of 10 % when the data goes lower. */
    static double successFloor(double minPercent) {
        if (minPercent >= 95) {
            return 95;
        }
        return Math.max(0, Math.floor(minPercent / 10) * 10);
    }

    /** "ipv4"/"ipv6" labels as the family name; any other label as it is. */
    static String familyOf(String label) {
        if (label.equalsIgnoreCase("ipv4")) {
            return "IPv4";
        }
        if (label.equalsIgnoreCase("ipv6")) {
            return "IPv6";
        }
        return label;
    }

    /** The subtitle: when the runs were measured (UTC) and the 1-minute load average range over them. */
    static String when(List<JsonNode> rows) {
        String first = null;
        String last = null;
        double lo = Double.MAX_VALUE;
        double hi = -1;
        for (JsonNode r : rows) {
            String d = r.path("date").asText(null);
            if (d != null) {
                first = first == null || d.compareTo(first) < 0 ? d : first;
                last = last == null || d.compareTo(last) > 0 ? d : last;
            }
            for (String f : new String[] {"load_before", "load_after"}) {
                double v = r.path(f).asDouble(-1);
                if (v >= 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        String date = first == null ? "date not recorded"
                : "measured " + first.replace('T', ' ').replace("Z", "") + " to "
                        + (last.substring(0, 10).equals(first.substring(0, 10)) ? last.substring(11) : last.replace('T', ' '))
                                .replace("Z", "") + " UTC";
        String load = hi < 0 ? "load average not recorded"
                : String.format(Locale.ROOT, "1-min load average %.2f to %.2f (2 cores)", lo, hi);
        return date + ", " + load + ", " + rows.size() + " runs";
    }

    private static BufferedImage figure(String title, String subtitle, List<Panel> panels) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            centered(g, title, WIDTH / 2, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            centered(g, subtitle, WIDTH / 2, 40);
            int w = WIDTH / panels.size();
            for (int i = 0; i < panels.size(); i++) {
                panel(g, panels.get(i), i * w, 52, w, HEIGHT - 52);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void panel(Graphics2D g, Panel p, int x0, int y0, int w, int h) {
        int left = x0 + 70;
        int right = x0 + w - 20;
        int top = y0 + 28;
        int bottom = y0 + h - 58;
        Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        centered(g, p.title(), (left + right) / 2, y0 + 16);
        g.setFont(plain);
        FontMetrics fm = g.getFontMetrics();
        // grid and ticks
        for (double t : p.y().ticks()) {
            int py = p.y().pixel(t, bottom, top);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(left, py, right, py);
            g.setColor(Color.BLACK);
            String s = Axis.label(t);
            g.drawString(s, left - 6 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        for (double t : p.x().ticks()) {
            int px = p.x().pixel(t, left, right);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.BLACK);
            g.drawLine(px, bottom, px, bottom + 4);
            centered(g, Axis.label(t), px, bottom + 6 + fm.getAscent());
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        centered(g, p.xLabel(), (left + right) / 2, bottom + 40);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(g, p.yLabel(), -(top + bottom) / 2, x0 + 16);
        g.setTransform(saved);
        Stroke stroke = g.getStroke();
        if (p.refY() != null) {
            int py = p.y().pixel(p.refY(), bottom, top);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 4f}, 0f));
            g.drawLine(left, py, right, py);
            g.drawString(p.refLabel(), left + 6, py - 4);
        }
        // the data, clipped to the plot area
        g.setClip(left, top, right - left + 1, bottom - top + 1);
        boolean first = true;
        for (Series s : p.series()) {
            float width = first ? 4f : 2f; // the first line wider, so a line drawn over it stays visible
            first = false;
            g.setColor(s.color());
            g.setStroke(s.dashed()
                    ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f)
                    : new BasicStroke(width));
            int[] prev = null;
            for (double[] pt : s.points()) {
                int[] q = {p.x().pixel(pt[0], left, right), p.y().pixel(pt[1], bottom, top)};
                if (prev != null) {
                    g.drawLine(prev[0], prev[1], q[0], q[1]);
                }
                int r = (int) width + 2;
                g.fillOval(q[0] - r, q[1] - r, 2 * r + 1, 2 * r + 1);
                prev = q;
            }
        }
        g.setClip(null);
        g.setStroke(stroke);
        // legend, top left inside the plot area
        int lx = left + 8;
        int ly = top + 8;
        int lw = 0;
        for (Series s : p.series()) {
            lw = Math.max(lw, fm.stringWidth(s.name()));
        }
        int lh = p.series().size() * (fm.getHeight() + 2) + 6;
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(lx, ly, lw + 44, lh);
        g.setColor(Color.GRAY);
        g.drawRect(lx, ly, lw + 44, lh);
        int yy = ly + 4 + fm.getAscent();
        for (Series s : p.series()) {
            g.setColor(s.color());
            g.setStroke(s.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f)
                    : new BasicStroke(2f));
            g.drawLine(lx + 6, yy - fm.getAscent() / 2 + 1, lx + 32, yy - fm.getAscent() / 2 + 1);
            g.setStroke(stroke);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), lx + 38, yy);
            yy += fm.getHeight() + 2;
        }
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }
}
