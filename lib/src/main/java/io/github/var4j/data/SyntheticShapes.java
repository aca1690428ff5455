package io.github.var4j.data;

import io.github.var4j.util.Require;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny procedural dataset for fast tests: one coloured shape per image on a plain or
 * linear-gradient background; the label is the shape class ({@link #CLASS_NAMES}). Pure arithmetic
 * (no Java2D, StrictMath trigonometry), so the pixels are identical on every JVM for a given seed.
 *
 * <p>Per image: label = i mod 5 (balanced classes); centre, radius (0.22..0.38 of the size),
 * rotation, colours and background type are drawn from a {@link SplittableRandom} seeded with
 * {@code seed}. Foreground and background brightness lie on opposite sides of mid-grey so the shape
 * always stands out. Edges are anti-aliased by 4x4 supersampling. For {@code channels = 1} the
 * colours are converted to luma.
 */
public final class SyntheticShapes {

  public static final List<String> CLASS_NAMES =
      List.of("circle", "square", "triangle", "cross", "ring");
  public static final int NUM_CLASSES = CLASS_NAMES.size();

  private static final int SS = 4; // supersampling per axis
  private static final double SQRT3_2 = Math.sqrt(3) / 2;

  private SyntheticShapes() {}

  /**
   * @param n number of images, >= 0
   * @param size height = width, >= 4
   * @param channels 1 (grey) or 3 (RGB)
   * @return (n, size, size, channels) dataset with {@link #NUM_CLASSES} classes
   */
  public static ImageDataset generate(int n, int size, int channels, long seed) {
    Require.atLeast("n", n, 0);
    Require.atLeast("size", size, 4);
    if (channels != 1 && channels != 3)
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    SplittableRandom rng = new SplittableRandom(seed);
    int per = size * size * channels;
    byte[] pixels = new byte[Math.multiplyExact(n, per)];
    int[] labels = new int[n];
    float[] rgb = new float[size * size * 3];
    for (int i = 0; i < n; i++) {
      labels[i] = i % NUM_CLASSES;
      render(labels[i], size, rng, rgb);
      int off = i * per;
      for (int p = 0; p < size * size; p++) {
        float r = rgb[3 * p], g = rgb[3 * p + 1], b = rgb[3 * p + 2];
        if (channels == 3) {
          pixels[off + 3 * p] = toByte(r);
          pixels[off + 3 * p + 1] = toByte(g);
          pixels[off + 3 * p + 2] = toByte(b);
        } else {
          pixels[off + p] = toByte(luma(r, g, b));
        }
      }
    }
    return new ImageDataset(n, size, size, channels, CLASS_NAMES, labels, pixels, false);
  }

  /** Renders one image into rgb (size*size*3, values in [0,1]). */
  private static void render(int shape, int size, SplittableRandom rng, float[] rgb) {
    boolean darkBg = rng.nextBoolean();
    float[] bg0 = color(rng, darkBg ? 0.0 : 0.6, darkBg ? 0.4 : 1.0);
    float[] bg1 = color(rng, darkBg ? 0.0 : 0.6, darkBg ? 0.4 : 1.0);
    float[] fg = color(rng, darkBg ? 0.65 : 0.0, darkBg ? 1.0 : 0.35);
    boolean gradient = rng.nextBoolean();
    double gAngle = rng.nextDouble() * 2 * Math.PI;
    double radius = size * (0.22 + 0.16 * rng.nextDouble());
    double margin = radius * 1.05;
    double cx = margin + rng.nextDouble() * Math.max(0, size - 2 * margin);
    double cy = margin + rng.nextDouble() * Math.max(0, size - 2 * margin);
    double rot = rng.nextDouble() * 2 * Math.PI;
    double cos = StrictMath.cos(rot), sin = StrictMath.sin(rot);
    double gdx = StrictMath.cos(gAngle), gdy = StrictMath.sin(gAngle);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        // background: plain bg0, or linear gradient bg0 -> bg1 along direction gAngle
        float t = 0f;
        if (gradient) {
          double u =
              ((x + 0.5) / size - 0.5) * gdx + ((y + 0.5) / size - 0.5) * gdy; // in [-0.71, 0.71]
          t = (float) Math.min(1.0, Math.max(0.0, u / 1.42 + 0.5));
        }
        int hits = 0;
        for (int sy = 0; sy < SS; sy++) {
          for (int sx = 0; sx < SS; sx++) {
            double px = x + (sx + 0.5) / SS - cx, py = y + (sy + 0.5) / SS - cy;
            double lx = cos * px + sin * py, ly = -sin * px + cos * py; // shape-local coordinates
            if (inside(shape, lx, ly, radius)) hits++;
          }
        }
        float a = hits / (float) (SS * SS);
        int p = 3 * (y * size + x);
        for (int ch = 0; ch < 3; ch++) {
          float b = bg0[ch] + (bg1[ch] - bg0[ch]) * t;
          rgb[p + ch] = b + (fg[ch] - b) * a;
        }
      }
    }
  }

  /** Whether local point (x, y) lies inside the shape of circumradius r (centred at 0). */
  private static boolean inside(int shape, double x, double y, double r) {
    switch (shape) {
      case 0: // circle
        return x * x + y * y <= r * r;
      case 1:
        { // square, half side 0.75 r
          double s = 0.75 * r;
          return Math.abs(x) <= s && Math.abs(y) <= s;
        }
      case 2:
        { // equilateral triangle with circumradius r (inradius r/2); outward edge normals (0,-1),
          // (+-sqrt3/2, 1/2)
          double h = r / 2;
          return -y <= h && SQRT3_2 * x + 0.5 * y <= h && -SQRT3_2 * x + 0.5 * y <= h;
        }
      case 3:
        { // cross (plus), arm half-width 0.28 r
          double t = 0.28 * r;
          return (Math.abs(x) <= t && Math.abs(y) <= r) || (Math.abs(y) <= t && Math.abs(x) <= r);
        }
      case 4:
        { // ring, inner radius 0.55 r
          double d2 = x * x + y * y;
          return d2 <= r * r && d2 >= 0.3025 * r * r;
        }
      default:
        throw new IllegalStateException("unknown shape " + shape);
    }
  }

  /** A random colour whose luma is uniform in [lo, hi]. */
  private static float[] color(SplittableRandom rng, double lo, double hi) {
    double target = lo + (hi - lo) * rng.nextDouble();
    double[] d = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
    double l = 0.299 * d[0] + 0.587 * d[1] + 0.114 * d[2];
    // c = grey(target) + s * (d - luma(d)): luma(c) = target exactly; s <= 1 is the largest step
    // keeping c in [0,1]
    double s = 1.0;
    for (int k = 0; k < 3; k++) {
      d[k] -= l;
      if (d[k] > 0) s = Math.min(s, (1 - target) / d[k]);
      else if (d[k] < 0) s = Math.min(s, target / -d[k]);
    }
    float[] c = new float[3];
    for (int k = 0; k < 3; k++) c[k] = (float) Math.min(1.0, Math.max(0.0, target + s * d[k]));
    return c;
  }

  private static float luma(float r, float g, float b) {
    return 0.299f * r + 0.587f * g + 0.114f * b;
  }

  private static byte toByte(float v) {
    return (byte) Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
  }
}
