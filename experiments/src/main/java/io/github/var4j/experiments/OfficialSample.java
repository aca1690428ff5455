package io.github.var4j.experiments;

import io.github.var4j.app.SampleFigures;
import io.github.var4j.pretrained.OfficialCheckpoints;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.ImageGrid;
import io.github.var4j.viz.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sample --official}: class-conditional sampling with the released ImageNet checkpoints (or
 * any official-format pair, e.g. the tiny fixture models), at their resolution (256 px for the
 * released ones), with the time and memory per image. With {@code --random-weights} the models have
 * the official shapes and seeded random weights: for timing where the files are absent.
 */
final class OfficialSample {
  private static final String P = "[sample-official]";

  private OfficialSample() {}

  /** What to open: a directory of released files, two files, or random weights. */
  record Source(
      Path dir, Path vaeFile, Path varFile, Integer depth, int[] patchNums, boolean random) {}

  /** Opens the sampler described by {@code src}, printing what it holds. */
  static VarSampler open(Source src) throws IOException {
    long t = System.nanoTime();
    VarSampler s;
    String from;
    if (src.random()) {
      int depth = src.depth() != null ? src.depth() : 16;
      s = OfficialCheckpoints.randomSampler(depth, 0);
      from = "random weights of the official shapes (d" + depth + ")";
    } else {
      OfficialCheckpoints.Opened o;
      if (src.vaeFile() != null || src.varFile() != null) {
        if (src.vaeFile() == null || src.varFile() == null)
          throw new UsageException("--official-vae and --official-var go together");
        ScaleSchedule pn =
            src.patchNums() != null ? ScaleSchedule.of(src.patchNums()) : ScaleSchedule.px256();
        o = OfficialCheckpoints.open(src.vaeFile(), src.varFile(), pn);
      } else {
        o = OfficialCheckpoints.open(src.dir(), src.depth());
      }
      s = OfficialCheckpoints.sampler(o);
      from = o.vaeFile() + " + " + o.varFile();
    }
    VqVaeConfig vc = s.vaeConfig();
    System.out.printf(
        Locale.ROOT,
        "%s %s: VAE %dx%d px, V=%d, Cvae=%d, patchNums %s; VAR %s, %,d parameters (opened in %.1f s)%n",
        P,
        from,
        vc.imageSize(),
        vc.imageSize(),
        vc.vocabSize(),
        vc.zChannels(),
        vc.patchNums(),
        s.varConfig().describe(),
        s.varConfig().numParams(),
        (System.nanoTime() - t) / 1e9);
    return s;
  }

  /**
   * Samples one image per class of {@code classes} in one batch, then the first class alone (batch
   * 1), and writes {@code <tag>-samples.png}, {@code <tag>-coarse-to-fine.png} and {@code
   * <tag>-token-maps.png}.
   */
  static int run(Source src, int[] classes, SampleOptions opts, Path figures, String tag)
      throws IOException {
    try (VarSampler s = open(src)) {
      int nc = s.varConfig().numClasses();
      for (int c : classes) {
        Check.index("--classes", c, 0, nc, "a class of the model");
      }
      List<String> names = OfficialCheckpoints.classNames(nc);
      List<String> labels = new ArrayList<>();
      for (int c : classes) labels.add(names != null ? c + " " + names.get(c) : "class " + c);
      System.out.println(P + " classes: " + String.join(", ", labels) + "; " + opts.label());

      s.sample(new int[] {classes[0]}, opts); // warm-up: the first run builds the kernels
      long t0 = System.nanoTime();
      SampleResult r = s.sample(classes, opts);
      double batchSec = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      s.sample(new int[] {classes[0]}, opts);
      double oneSec = (System.nanoTime() - t1) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%s batch of %d: %.2f s = %.2f s per image; batch 1: %.2f s per image; process peak RSS"
              + " (VmHWM) %d MB, %d cores%n",
          P,
          classes.length,
          batchSec,
          batchSec / classes.length,
          oneSec,
          ProcStatus.mb("VmHWM"),
          Runtime.getRuntime().availableProcessors());

      Files.createDirectories(figures);
      int side = s.vaeConfig().imageSize();
      int scale = Math.max(1, 128 / side);
      Path grid = figures.resolve(tag + "-samples.png");
      Images.writePng(
          ImageGrid.of(SampleFigures.images(r))
              .columns(classes.length)
              .scale(scale)
              .columnLabels(labels)
              .build(),
          grid);
      int[] which = classes.length >= 2 ? new int[] {0, 1} : new int[] {0};
      Path c2f = figures.resolve(tag + "-coarse-to-fine.png");
      Images.writePng(SampleFigures.coarseToFine(s, r, which, names, scale), c2f);
      Path maps = figures.resolve(tag + "-token-maps.png");
      Images.writePng(SampleFigures.tokenMaps(s, r, which, Math.max(4, 160 / side)), maps);
      System.out.println(P + " wrote " + grid + ", " + c2f + ", " + maps);
    }
    return 0;
  }
}
