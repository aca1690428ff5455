package io.github.var4j.experiments;

import io.github.var4j.app.OfficialCheckpoints;
import io.github.var4j.app.SampleFigures;
import io.github.var4j.data.DataSplit;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.sample.Masks;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.sample.ZeroShot;
import io.github.var4j.viz.Images;
import io.github.var4j.viz.ValueRange;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Zero-shot editing with a trained VAR (VAR-SPEC §7) on test images: in-painting (a centre box
 * regenerated, unconditional), out-painting (a centre box kept, the border regenerated,
 * unconditional) and class-conditional editing (a box regenerated as another class). Writes {@code
 * figures/var-<tag>-{inpaint,outpaint,edit}.png}: per image the original, the regenerated region
 * tinted, and several results.
 */
@Command(
    name = "zero-shot",
    mixinStandardHelpOptions = true,
    description =
        "Zero-shot in-painting, out-painting and class-conditional editing figures of a trained VAR.")
public final class ZeroShotCommand implements Callable<Integer> {
  private static final String P = "[zero-shot]";

  @Option(
      names = "--tokenizer",
      defaultValue = "models/fmnist-tokenizer",
      description = "exported tokenizer directory")
  Path tokenizer;

  @Option(
      names = "--var",
      defaultValue = "models/fmnist-var",
      description = "exported VAR directory (train-var)")
  Path var;

  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(names = "--figures", defaultValue = "figures", description = "where figures are written")
  Path figures;

  @Option(names = "--seed", defaultValue = "0")
  long seed;

  @Option(names = "--images", description = "test images per figure (default 4; quick mode 3)")
  Integer images;

  @Option(names = "--per-image", description = "results per image (default 4; quick mode 2)")
  Integer perImage;

  @Option(
      names = "--cfg",
      defaultValue = "1.5",
      description =
          "guidance of in/out-painting (their label is the null class, so it has no effect there)")
  double cfg;

  @Option(
      names = "--edit-cfg",
      defaultValue = "3",
      description = "guidance of class-conditional editing")
  double editCfg;

  @Option(names = "--top-k", defaultValue = "0", description = "top-k (0 = off)")
  int topK;

  @Option(names = "--top-p", defaultValue = "0.96", description = "top-p (0 = off)")
  double topP;

  @Option(names = "--more-smooth", description = "gumbel-softmax smoothing (visualisation only)")
  boolean moreSmooth;

  @Option(
      names = "--inpaint-box",
      split = ",",
      defaultValue = "0.25,0.75,0.25,0.75",
      description = "regenerated box of in-painting: y0,y1,x0,x1 as fractions of the image side")
  double[] inpaintBox;

  @Option(
      names = "--outpaint-box",
      split = ",",
      defaultValue = "0.25,0.75,0.25,0.75",
      description = "kept box of out-painting (the rest is regenerated): y0,y1,x0,x1")
  double[] outpaintBox;

  @Option(
      names = "--edit-box",
      split = ",",
      defaultValue = "0,0.5,0,1",
      description =
          "regenerated box of class-conditional editing: y0,y1,x0,x1 (default: the upper half)")
  double[] editBox;

  @Option(
      names = "--edit-from",
      defaultValue = "7",
      description = "class of the edited test images (7 = Sneaker)")
  int editFrom;

  @Option(
      names = "--edit-to",
      defaultValue = "9",
      description = "class the box is regenerated as (9 = Ankle boot)")
  int editTo;

  @Option(names = "--scale", defaultValue = "2", description = "pixel scale of the pictures")
  int scale;

  @Mixin OfficialArgs officialArgs = new OfficialArgs();

  @Option(
      names = "--photo",
      description =
          "with the official models: the picture to edit (PNG or JPEG; its centre square is"
              + " scaled to the model's size)")
  Path photo;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    boolean quick = Quick.enabled();
    int n = images != null ? images : quick ? 3 : 4;
    int per = perImage != null ? perImage : quick ? 2 : 4;
    if (n <= 0 || per <= 0)
      throw new IllegalArgumentException("--images and --per-image must be positive");
    if (scale <= 0) throw new IllegalArgumentException("--scale must be positive, got " + scale);
    if (officialArgs.given()) return callOfficial(per, t0);
    String tag = dataArgs.tag();
    DataSplit split = dataArgs.load();
    ImageDataset test = split.test();

    try (VarSampler sampler = SampleCommand.open(tokenizer, var, P)) {
      int nc = sampler.varConfig().numClasses();
      int S = sampler.vaeConfig().imageSize(), ch = sampler.vaeConfig().inChannels();
      if (test.height() > S || test.width() > S || test.channels() != ch) {
        throw new IllegalArgumentException(
            "test images are "
                + test.height()
                + "x"
                + test.width()
                + "x"
                + test.channels()
                + ", the tokenizer takes "
                + S
                + "x"
                + S
                + "x"
                + ch);
      }
      if (editFrom < 0 || editFrom >= test.numClasses()) {
        throw new IllegalArgumentException(
            "--edit-from must be a class of "
                + dataArgs.data
                + " in [0, "
                + test.numClasses()
                + "), got "
                + editFrom);
      }
      if (editTo < 0 || editTo >= nc) {
        throw new IllegalArgumentException(
            "--edit-to must be a class of the VAR in [0, " + nc + "), got " + editTo);
      }
      List<String> names = SampleCommand.classNames(dataArgs.data, nc, P);
      int pnLast = sampler.varConfig().patchNums().latentSide();
      SampleOptions opts = new SampleOptions(cfg, topK, topP, moreSmooth, seed, false);
      SampleOptions editOpts = opts.withCfg(editCfg);

      // in/out-painting: the first test image of n classes spread over the data set's classes
      int[] spread = new int[n];
      for (int i = 0; i < n; i++)
        spread[i] = firstOfClass(test, (int) ((long) i * test.numClasses() / n), i);
      int[] fromCls = test.indicesOfClass(editFrom);
      if (fromCls.length == 0) {
        throw new IllegalArgumentException(
            "the test split has no image of --edit-from " + editFrom);
      }
      int[] edit = Arrays.copyOf(fromCls, Math.min(n, fromCls.length));

      Keeps keep = keeps(pnLast);

      String settings = settings(topK, topP, moreSmooth, seed);
      System.out.println(
          P
              + " settings: in/out-painting cfg "
              + trim(cfg)
              + " (null class), editing cfg "
              + trim(editCfg)
              + "; "
              + settings
              + ", more_smooth "
              + moreSmooth
              + "; "
              + per
              + " results per image");

      Edited in = run(sampler, test, spread, per, S, keep.in(), sampler.nullClass(), opts);
      Edited out = run(sampler, test, spread, per, S, keep.out(), sampler.nullClass(), opts);
      Edited ed = run(sampler, test, edit, per, S, keep.edit(), editTo, editOpts);
      List<Path> written =
          writeFigures(
              in,
              out,
              ed,
              keep,
              pnLast,
              per,
              settings,
              SampleCommand.className(test.classNames(), editFrom)
                  + ", red regenerated as "
                  + SampleCommand.className(names, editTo)
                  + " (cfg "
                  + trim(editCfg)
                  + ", "
                  + settings
                  + ")",
              scale,
              "var-" + tag);
      System.out.printf(
          Locale.ROOT,
          "%s wrote %d figures in %.1f s (wall time, load included)%n",
          P,
          written.size(),
          (System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }

  /** The keep masks (1 = keep the encoded token) of in-painting, out-painting and editing. */
  private record Keeps(float[] in, float[] out, float[] edit) {}

  private Keeps keeps(int pnLast) {
    checkBoxes(inpaintBox, outpaintBox, editBox);
    return new Keeps(
        Masks.invert(Masks.box(pnLast, inpaintBox[0], inpaintBox[1], inpaintBox[2], inpaintBox[3])),
        Masks.box(pnLast, outpaintBox[0], outpaintBox[1], outpaintBox[2], outpaintBox[3]),
        Masks.invert(Masks.box(pnLast, editBox[0], editBox[1], editBox[2], editBox[3])));
  }

  /** Writes {@code <prefix>-inpaint.png}, {@code -outpaint.png} and {@code -edit.png}. */
  private List<Path> writeFigures(
      Edited in,
      Edited out,
      Edited ed,
      Keeps keep,
      int pnLast,
      int per,
      String settings,
      String editTitle,
      int scale,
      String prefix)
      throws IOException {
    List<Path> written = new ArrayList<>();
    written.add(
        SampleCommand.write(
            SampleFigures.editPanels(
                in.originals,
                keep.in(),
                pnLast,
                in.result,
                per,
                "in-painting, red = regenerated, no class (" + settings + ")",
                scale),
            figures,
            prefix + "-inpaint.png",
            P));
    written.add(
        SampleCommand.write(
            SampleFigures.editPanels(
                out.originals,
                keep.out(),
                pnLast,
                out.result,
                per,
                "out-painting, red = regenerated, no class (" + settings + ")",
                scale),
            figures,
            prefix + "-outpaint.png",
            P));
    written.add(
        SampleCommand.write(
            SampleFigures.editPanels(
                ed.originals, keep.edit(), pnLast, ed.result, per, editTitle, scale),
            figures,
            prefix + "-edit.png",
            P));
    return written;
  }

  /** The originals (as pictures at the tokenizer's size) and the image-major edited results. */
  private record Edited(List<BufferedImage> originals, SampleResult result) {}

  private static Edited run(
      VarSampler sampler,
      ImageDataset test,
      int[] idx,
      int per,
      int S,
      float[] keep,
      int label,
      SampleOptions opts) {
    // (n, S, S, ch) in [-1, 1], centred on an S x S canvas
    return run(sampler, test.toFloatBatch(idx, S), idx.length, per, S, keep, label, opts);
  }

  /** Edits n images x (n, S, S, ch) in [-1, 1], {@code per} results each. */
  private static Edited run(
      VarSampler sampler,
      float[] x,
      int n,
      int per,
      int S,
      float[] keep,
      int label,
      SampleOptions opts) {
    int ch = sampler.vaeConfig().inChannels();
    List<int[]> tokens = sampler.encodeToIndices(x, n);
    List<int[]> rep = ZeroShot.repeat(tokens, n, per, sampler.varConfig().patchNums());
    int[] labels = new int[n * per];
    Arrays.fill(labels, label);
    long t = System.nanoTime();
    SampleResult r = ZeroShot.withMask(sampler, rep, labels, keep, opts);
    System.out.printf(
        Locale.ROOT,
        "%s %d images x %d results, %s: %.1f s%n",
        P,
        n,
        per,
        label == sampler.nullClass() ? "null class" : "class " + label,
        (System.nanoTime() - t) / 1e9);
    return new Edited(Images.fromNHWCBatch(x, S, S, ch, ValueRange.MINUS_ONE_ONE), r);
  }

  /**
   * In-painting, out-painting and class-conditional editing of one user picture with
   * official-format models (e.g. the released 256-px ImageNet VAR): figures {@code
   * official-{inpaint,outpaint,edit}.png}.
   */
  private int callOfficial(int per, long t0) throws Exception {
    if (photo == null)
      throw new IllegalArgumentException(
          "--photo is needed with the official models: the picture to edit (PNG or JPEG)");
    try (VarSampler sampler = OfficialSample.open(officialArgs.source())) {
      int nc = sampler.varConfig().numClasses();
      if (editTo < 0 || editTo >= nc)
        throw new IllegalArgumentException(
            "--edit-to must be a class of the VAR in [0, " + nc + "), got " + editTo);
      int S = sampler.vaeConfig().imageSize(), ch = sampler.vaeConfig().inChannels();
      float[] x = Images.toNHWC(Images.readSquare(photo, S), ch, ValueRange.MINUS_ONE_ONE);
      List<String> names = OfficialCheckpoints.classNames(nc);
      int pnLast = sampler.varConfig().patchNums().latentSide();
      SampleOptions opts = new SampleOptions(cfg, topK, topP, moreSmooth, seed, false);
      Keeps keep = keeps(pnLast);
      String settings = settings(topK, topP, moreSmooth, seed);
      int sc = Math.max(1, 128 / S);
      Edited in = run(sampler, x, 1, per, S, keep.in(), sampler.nullClass(), opts);
      Edited out = run(sampler, x, 1, per, S, keep.out(), sampler.nullClass(), opts);
      Edited ed = run(sampler, x, 1, per, S, keep.edit(), editTo, opts.withCfg(editCfg));
      String to = SampleCommand.className(names, editTo);
      List<Path> written =
          writeFigures(
              in,
              out,
              ed,
              keep,
              pnLast,
              per,
              settings,
              "red regenerated as " + to + " (cfg " + trim(editCfg) + ", " + settings + ")",
              sc,
              "official");
      System.out.printf(
          Locale.ROOT,
          "%s %s: wrote %d figures in %.1f s (wall time, load included)%n",
          P,
          photo,
          written.size(),
          (System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }

  /** The first test image of class c, or image i when the class has none. */
  private static int firstOfClass(ImageDataset test, int c, int i) {
    int[] idx = test.indicesOfClass(c);
    return idx.length > 0 ? idx[0] : Math.min(i, test.size() - 1);
  }

  private static void checkBoxes(double[]... boxes) {
    for (double[] b : boxes) {
      if (b.length != 4) {
        throw new IllegalArgumentException(
            "a box is y0,y1,x0,x1 (4 fractions), got " + Arrays.toString(b));
      }
    }
  }

  /** "top-p 0.96, seed 0" (+ top-k, smooth when on): the sampling settings of a figure title. */
  static String settings(int topK, double topP, boolean moreSmooth, long seed) {
    StringBuilder sb = new StringBuilder();
    if (topK > 0) sb.append("top-k ").append(topK).append(", ");
    if (topP > 0) sb.append("top-p ").append(trim(topP)).append(", ");
    if (moreSmooth) sb.append("smooth, ");
    return sb.append("seed ").append(seed).toString();
  }

  private static String trim(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new ZeroShotCommand()).execute(args));
  }
}
