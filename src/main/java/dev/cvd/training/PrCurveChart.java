package dev.cvd.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws precision-recall curves as a PNG with Java2D, headless (no display needed; the JVM runs
 * with {@code java.awt.headless=true} when none is set). Each curve is drawn as the step function
 * whose area is its average precision: precision {@code P_k} over recall {@code (R_{k-1}, R_k]}.
 */
public final class PrCurveChart {

    /** One curve and its legend label. */
    public record Series(String label, BinaryMetrics.Curve curve, Color color) {}

    private static final int WIDTH = 900;
    private static final int HEIGHT = 650;
    private static final int LEFT = 90;
    private static final int RIGHT = 40;
    private static final int TOP = 60;
    private static final int BOTTOM = 80;

    private PrCurveChart() {}

    /**
     * Writes the chart.
     *
     * @param title chart title
     * @param positiveRate the share of positives, drawn as the no-skill line; NaN for none
     * @throws IOException if the file cannot be written
     */
    public static void write(Path png, String title, double positiveRate, Series... series)
            throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, title, positiveRate, series);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    private static void draw(Graphics2D g, String title, double positiveRate, Series[] series) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;

        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        g.setFont(base);
        FontMetrics fm = g.getFontMetrics();
        // Grid and ticks.
        for (int i = 0; i <= 10; i += 2) {
            double v = i / 10.0;
            int x = LEFT + (int) Math.round(v * plotW);
            int y = TOP + plotH - (int) Math.round(v * plotH);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, TOP + plotH, x, TOP + plotH + 5);
            g.drawLine(LEFT - 5, y, LEFT, y);
            String label = String.format(Locale.ROOT, "%.1f", v);
            g.drawString(label, x - fm.stringWidth(label) / 2, TOP + plotH + 22);
            g.drawString(label, LEFT - 10 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawRect(LEFT, TOP, plotW, plotH);

        // Axis labels and title.
        String xLabel = "Recall";
        g.drawString(xLabel, LEFT + (plotW - fm.stringWidth(xLabel)) / 2, HEIGHT - 30);
        String yLabel = "Precision";
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(TOP + (plotH + fm.stringWidth(yLabel)) / 2), 30);
        rotated.dispose();
        g.setFont(base.deriveFont(Font.BOLD, 17f));
        FontMetrics tfm = g.getFontMetrics();
        g.drawString(title, (WIDTH - tfm.stringWidth(title)) / 2, 35);
        g.setFont(base);

        // No-skill line.
        if (positiveRate > 0 && positiveRate <= 1) {
            int y = TOP + plotH - (int) Math.round(positiveRate * plotH);
            g.setColor(Color.GRAY);
            g.setStroke(
                    new BasicStroke(
                            1.2f,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER,
                            10f,
                            new float[] {6f, 5f},
                            0f));
            g.drawLine(LEFT, y, LEFT + plotW, y);
        }

        // Curves.
        g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (Series s : series) {
            BinaryMetrics.Curve c = s.curve();
            if (c.thresholds().length == 0 || Double.isNaN(c.recall()[0])) {
                continue;
            }
            Path2D.Double path = new Path2D.Double();
            double prevRecall = 0.0;
            path.moveTo(px(0.0, plotW), py(c.precision()[0], plotH));
            for (int k = 0; k < c.thresholds().length; k++) {
                double p = c.precision()[k];
                path.lineTo(px(prevRecall, plotW), py(p, plotH));
                path.lineTo(px(c.recall()[k], plotW), py(p, plotH));
                prevRecall = c.recall()[k];
            }
            g.setColor(s.color());
            g.draw(path);
        }

        // Legend.
        int lx = LEFT + plotW - 330;
        int ly = TOP + 15;
        int rows = series.length + (positiveRate > 0 ? 1 : 0);
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(lx, ly, 315, 12 + rows * 24);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(lx, ly, 315, 12 + rows * 24);
        int y = ly + 24;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(new BasicStroke(3f));
            g.drawLine(lx + 12, y - 5, lx + 42, y - 5);
            g.setColor(Color.BLACK);
            g.drawString(s.label(), lx + 52, y);
            y += 24;
        }
        if (positiveRate > 0) {
            g.setColor(Color.GRAY);
            g.setStroke(
                    new BasicStroke(
                            1.2f,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER,
                            10f,
                            new float[] {6f, 5f},
                            0f));
            g.drawLine(lx + 12, y - 5, lx + 42, y - 5);
            g.setColor(Color.BLACK);
            g.drawString(
                    String.format(Locale.ROOT, "no skill (spike rate %.3f)", positiveRate),
                    lx + 52,
                    y);
        }
    }

    private static double px(double recall, int plotW) {
        return LEFT + recall * plotW;
    }

    private static double py(double precision, int plotH) {
        return TOP + plotH - precision * plotH;
    }
}
