package io.github.var4j.viz;

import io.github.var4j.nn.Layout;
import io.github.var4j.util.Require;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lays pictures out in a grid (row-major), with optional row labels (left), column labels (top) and
 * a title. Tiles are scaled by an integer factor with nearest neighbour; every cell is (max tile
 * width * scale) x (max tile height * scale), tiles sit at the top-left of their cell. Result:
 * TYPE_INT_RGB, white background.
 *
 * <pre>{@code
 * BufferedImage g = ImageGrid.of(images).columns(4).scale(2).padding(2)
 *         .columnLabels("a", "b", "c", "d").title("samples").build();
 * }</pre>
 */
public final class ImageGrid {
  /** Default number of columns is min(images, DEFAULT_MAX_COLUMNS). */
  public static final int DEFAULT_MAX_COLUMNS = 8;

  static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);

  private final List<BufferedImage> images;
  private int columns;
  private int scale = 1;
  private int padding = 2;
  private List<String> rowLabels;
  private List<String> columnLabels;
  private String title;
  private Color background = Color.WHITE;
  private Color textColor = Color.BLACK;

  private ImageGrid(List<BufferedImage> images) {
    this.images = images;
    this.columns = Math.min(images.size(), DEFAULT_MAX_COLUMNS);
  }

  /** A grid of these pictures (row-major order). */
  public static ImageGrid of(List<BufferedImage> images) {
    if (images == null) throw new IllegalArgumentException("images must not be null");
    if (images.isEmpty()) throw new IllegalArgumentException("images must not be empty");
    for (int i = 0; i < images.size(); i++) {
      if (images.get(i) == null) throw new IllegalArgumentException("images[" + i + "] is null");
    }
    return new ImageGrid(List.copyOf(images));
  }

  /** Number of columns (>= 1); rows = ceil(images / columns). Default min(images, 8). */
  public ImageGrid columns(int n) {
    VizChecks.checkPositive("columns", n);
    this.columns = n;
    return this;
  }

  /** Integer nearest-neighbour scale factor of each tile (>= 1). Default 1. */
  public ImageGrid scale(int s) {
    VizChecks.checkPositive("scale", s);
    this.scale = s;
    return this;
  }

  /** Background pixels between (and around) tiles (>= 0). Default 2. */
  public ImageGrid padding(int p) {
    Require.atLeast("padding", p, 0);
    this.padding = p;
    return this;
  }

  /** One label per row, drawn left of the row (count checked at build time). */
  public ImageGrid rowLabels(List<String> labels) {
    this.rowLabels = copyLabels("rowLabels", labels);
    return this;
  }

  public ImageGrid rowLabels(String... labels) {
    return rowLabels(labels == null ? null : Arrays.asList(labels));
  }

  /** One label per column, drawn above the column (count checked at build time). */
  public ImageGrid columnLabels(List<String> labels) {
    this.columnLabels = copyLabels("columnLabels", labels);
    return this;
  }

  public ImageGrid columnLabels(String... labels) {
    return columnLabels(labels == null ? null : Arrays.asList(labels));
  }

  /** Title drawn above everything (null or empty: none). */
  public ImageGrid title(String title) {
    this.title = title == null || title.isEmpty() ? null : title;
    return this;
  }

  /** Background colour (default white). */
  public ImageGrid background(Color c) {
    if (c == null) throw new IllegalArgumentException("background must not be null");
    this.background = c;
    return this;
  }

  /** Colour of labels and title (default black). */
  public ImageGrid textColor(Color c) {
    if (c == null) throw new IllegalArgumentException("textColor must not be null");
    this.textColor = c;
    return this;
  }

  /**
   * Pixel geometry of the grid. Tile i (row-major) has its top-left corner at ({@link #x(int)},
   * {@link #y(int)}).
   *
   * @param originX left edge of the tile area (after row labels)
   * @param originY top edge of the tile area (after title and column labels)
   */
  public record Layout(
      int width,
      int height,
      int columns,
      int rows,
      int tileWidth,
      int tileHeight,
      int padding,
      int originX,
      int originY) {
    public int x(int i) {
      return originX + padding + (i % columns) * (tileWidth + padding);
    }

    public int y(int i) {
      return originY + padding + (i / columns) * (tileHeight + padding);
    }
  }

  /** Geometry the grid will have; validates the label counts. */
  public Layout layout() {
    int rows = (images.size() + columns - 1) / columns;
    if (rowLabels != null && rowLabels.size() != rows) {
      throw new IllegalArgumentException(
          "rowLabels must have " + rows + " entries (one per row), got " + rowLabels.size());
    }
    if (columnLabels != null && columnLabels.size() != columns) {
      throw new IllegalArgumentException(
          "columnLabels must have "
              + columns
              + " entries (one per column), got "
              + columnLabels.size());
    }
    int maxW = 0, maxH = 0;
    for (BufferedImage img : images) {
      maxW = Math.max(maxW, img.getWidth());
      maxH = Math.max(maxH, img.getHeight());
    }
    int tileW = maxW * scale, tileH = maxH * scale;
    int gap = Math.max(padding, 4);
    FontMetrics lfm = metrics(LABEL_FONT), tfm = metrics(TITLE_FONT);
    int originX = 0;
    if (rowLabels != null) {
      int lw = 0;
      for (String s : rowLabels) lw = Math.max(lw, lfm.stringWidth(s));
      originX = lw + gap;
    }
    int titleH = title != null ? tfm.getHeight() + gap : 0;
    int colLabelH = columnLabels != null ? lfm.getHeight() + 2 : 0;
    int originY = titleH + colLabelH;
    int width = originX + padding + columns * (tileW + padding);
    if (title != null) width = Math.max(width, tfm.stringWidth(title) + 2 * gap);
    int height = originY + padding + rows * (tileH + padding);
    return new Layout(width, height, columns, rows, tileW, tileH, padding, originX, originY);
  }

  /** Renders the grid. */
  public BufferedImage build() {
    Layout lay = layout();
    BufferedImage out = new BufferedImage(lay.width(), lay.height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(background);
      g.fillRect(0, 0, lay.width(), lay.height());
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      for (int i = 0; i < images.size(); i++) {
        BufferedImage tile =
            scale == 1 ? Images.toRgb(images.get(i)) : Images.upscale(images.get(i), scale);
        g.drawImage(tile, lay.x(i), lay.y(i), null);
      }
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(textColor);
      int gap = Math.max(padding, 4);
      if (title != null) {
        g.setFont(TITLE_FONT);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (lay.width() - fm.stringWidth(title)) / 2, gap / 2 + fm.getAscent());
      }
      g.setFont(LABEL_FONT);
      FontMetrics fm = g.getFontMetrics();
      if (columnLabels != null) {
        int baseline = lay.originY() - 2 - fm.getDescent() - fm.getLeading();
        for (int c = 0; c < columns; c++) {
          String s = columnLabels.get(c);
          int cx = lay.x(c) + lay.tileWidth() / 2;
          g.drawString(s, cx - fm.stringWidth(s) / 2, baseline);
        }
      }
      if (rowLabels != null) {
        for (int r = 0; r < lay.rows(); r++) {
          String s = rowLabels.get(r);
          int cy = lay.y(r * columns) + lay.tileHeight() / 2;
          int x = lay.originX() - gap / 2 - fm.stringWidth(s);
          g.drawString(s, Math.max(0, x), cy + (fm.getAscent() - fm.getDescent()) / 2);
        }
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  private static List<String> copyLabels(String name, List<String> labels) {
    if (labels == null) return null;
    List<String> out = new ArrayList<>(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      String s = labels.get(i);
      if (s == null) throw new IllegalArgumentException(name + "[" + i + "] is null");
      out.add(s);
    }
    return out;
  }

  static FontMetrics metrics(Font font) {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    try {
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }
}
