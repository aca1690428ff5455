package io.github.var4j.experiments;

import io.github.var4j.app.SampleFigures;
import io.github.var4j.data.DataSplit;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.pretrained.OfficialCheckpoints;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Zero-shot editing with a trained VAR on test images: in-painting (a centre box regenerated,
 * unconditional), out-painting (a centre box kept, the border regenerated, unconditional) and
 * class-conditional editing (a box regenerated as another class). Writes {@code
 * <figures>/var-<tag>-{inpaint,outpaint,edit}.png}: per image the original, the regenerated region
 * tinted, and several results. With the official models it edits one picture ({@code --photo}) and
 * writes {@code <figures>/official-{inpaint,outpaint,edit}.png}.
 */
@Command(name = "zero-shot")
public final class ZeroShotCommand extends Var4jCommand {
  private static final String P = "[zero-shot]";

  @Mixin ModelArgs models = new ModelArgs();

  @Mixin DataArgs dataArgs = new DataArgs();

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin FiguresArgs figures = new FiguresArgs();

  @Option(names = "--images")
  Integer images;

  @Option(names = "--per-image")
  Integer perImage;

  @Option(names = "--edit-cfg")
  double editCfg = 3;

  @Option(names = "--inpaint-box", split = ",", defaultValue = "0.25,0.75,0.25,0.75")
  double[] inpaintBox;

  @Option(names = "--outpaint-box", split = ",", defaultValue = "0.25,0.75,0.25,0.75")
  double[] outpaintBox;

  @Option(names = "--edit-box", split = ",", defaultValue = "0,0.5,0,1")
  double[] editBox;

  @Option(names = "--edit-from")
  int editFrom = 7;

  @Option(names = "--edit-to")
  int editTo = 9;

  @Option(names = "--scale")
  int scale = 2;

  @Mixin OfficialArgs officialArgs = new OfficialArgs();

  @Option(names = "--photo", paramLabel = "FILE")
  Path photo;

  @Override
  Integer run() throws Exception {
    officialArgs.checkMode(
        new String[] {
          "--var", "--tokenizer", "--data", "--image-size", "--images", "--edit-from", "--scale"
        },
        "--photo");
    boolean quick = Quick.enabled();
    SampleOptions opts = sampling.options();
    Check.nonNegative("--edit-cfg", editCfg);
    int per = Check.positive("--per-image", perImage != null ? perImage : quick ? 2 : 4);
    checkBox("--inpaint-box", inpaintBox);
    checkBox("--outpaint-box", outpaintBox);
    checkBox("--edit-box", editBox);
    if (officialArgs.given()) {
      Check.that(
          photo != null,
          "--photo is needed with the official models: the picture to edit (PNG or JPEG)");
      Check.image("--photo", photo);
      Check.nonNegative("--edit-to", editTo);
      return callOfficial(per, opts);
    }
    int n = Check.positive("--images", images != null ? images : quick ? 3 : 4);
    Check.positive("--scale", scale);
    int nc = models.check().numClasses();
    Check.index("--edit-to", editTo, 0, nc, "a class of the VAR");
    return run(n, per, opts);
  }

  private int run(int n, int per, SampleOptions opts) throws Exception {
    long t0 = System.nanoTime();
    String tag = dataArgs.tag();
    DataSplit split = dataArgs.load();
    ImageDataset test = split.test();
    Check.index(
        "--edit-from", editFrom, 0, test.numClasses(), "a class of --data " + dataArgs.data);
    int[] fromCls = test.indicesOfClass(editFrom);
    Check.that(fromCls.length > 0, "the test split has no image of --edit-from " + editFrom);

    try (VarSampler sampler = CommandSupport.openSampler(models, P)) {
      int nc = sampler.varConfig().numClasses();
      int S = sampler.vaeConfig().imageSize(), ch = sampler.vaeConfig().inChannels();
      Check.that(
          test.height() <= S && test.width() <= S && test.channels() == ch,
          "--data "
              + dataArgs.data
              + ": test images are "
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
      List<String> names = CommandSupport.classNames(dataArgs.data, nc, P);
      int pnLast = sampler.varConfig().patchNums().latentSide();

      // in/out-painting: the first test image of n classes spread over the data set's classes
      int[] spread = new int[n];
      for (int i = 0; i < n; i++)
        spread[i] = firstOfClass(test, (int) ((long) i * test.numClasses() / n), i);
      int[] edit = Arrays.copyOf(fromCls, Math.min(n, fromCls.length));

      Keeps keep = keeps(pnLast);

      String settings =
          CommandSupport.settings(opts.topK(), opts.topP(), opts.moreSmooth(), opts.seed());
      System.out.println(
          P
              + " settings: in/out-painting cfg "
              + CommandSupport.trim(opts.cfg())
              + " (null class), editing cfg "
              + CommandSupport.trim(editCfg)
              + "; "
              + settings
              + ", more_smooth "
              + opts.moreSmooth()
              + "; "
              + per
              + " results per image");

      List<Path> written =
          editAndWrite(
              sampler,
              test.toFloatBatch(spread, S),
              spread.length,
              test.toFloatBatch(edit, S),
              edit.length,
              per,
              keep,
              opts,
              settings,
              CommandSupport.className(test.classNames(), editFrom) + ", red regenerated as ",
              CommandSupport.className(names, editTo),
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
    return new Keeps(
        Masks.invert(Masks.box(pnLast, inpaintBox[0], inpaintBox[1], inpaintBox[2], inpaintBox[3])),
        Masks.box(pnLast, outpaintBox[0], outpaintBox[1], outpaintBox[2], outpaintBox[3]),
        Masks.invert(Masks.box(pnLast, editBox[0], editBox[1], editBox[2], editBox[3])));
  }

  /**
   * In-painting and out-painting (null class) of the n images xs, class-conditional editing to
   * {@code --edit-to} of the m images xEdit (cfg {@code --edit-cfg}), and their figures {@code
   * <prefix>-inpaint.png}, {@code -outpaint.png} and {@code -edit.png}.
   */
  private List<Path> editAndWrite(
      VarSampler sampler,
      float[] xs,
      int n,
      float[] xEdit,
      int m,
      int per,
      Keeps keep,
      SampleOptions opts,
      String settings,
      String editFrom,
      String editToName,
      int scale,
      String prefix)
      throws IOException {
    int S = sampler.vaeConfig().imageSize(), pnLast = sampler.varConfig().patchNums().latentSide();
    Edited in = run(sampler, xs, n, per, S, keep.in(), sampler.nullClass(), opts);
    Edited out = run(sampler, xs, n, per, S, keep.out(), sampler.nullClass(), opts);
    Edited ed = run(sampler, xEdit, m, per, S, keep.edit(), editTo, opts.withCfg(editCfg));
    String editTitle =
        editFrom + editToName + " (cfg " + CommandSupport.trim(editCfg) + ", " + settings + ")";
    String noClass = ", red = regenerated, no class (" + settings + ")";
    List<Path> written = new ArrayList<>();
    for (Figure f :
        List.of(
            new Figure("inpaint", in, keep.in(), "in-painting" + noClass),
            new Figure("outpaint", out, keep.out(), "out-painting" + noClass),
            new Figure("edit", ed, keep.edit(), editTitle))) {
      written.add(
          CommandSupport.writeFigure(
              SampleFigures.editPanels(
                  f.edited.originals, f.keep, pnLast, f.edited.result, per, f.title, scale),
              output.figures(figures),
              prefix + "-" + f.name + ".png",
              P));
    }
    return written;
  }

  /** One figure: its file name's suffix, the edits, the mask they kept and the title. */
  private record Figure(String name, Edited edited, float[] keep, String title) {}

  /** The originals (as pictures at the tokenizer's size) and the image-major edited results. */
  private record Edited(List<BufferedImage> originals, SampleResult result) {}

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
  private int callOfficial(int per, SampleOptions opts) throws Exception {
    long t0 = System.nanoTime();
    try (VarSampler sampler = OfficialSample.open(officialArgs.source())) {
      int nc = sampler.varConfig().numClasses();
      Check.index("--edit-to", editTo, 0, nc, "a class of the VAR");
      int S = sampler.vaeConfig().imageSize(), ch = sampler.vaeConfig().inChannels();
      float[] x = Images.toNHWC(Images.readSquare(photo, S), ch, ValueRange.MINUS_ONE_ONE);
      Keeps keep = keeps(sampler.varConfig().patchNums().latentSide());
      String settings =
          CommandSupport.settings(opts.topK(), opts.topP(), opts.moreSmooth(), opts.seed());
      List<Path> written =
          editAndWrite(
              sampler,
              x,
              1,
              x,
              1,
              per,
              keep,
              opts,
              settings,
              "red regenerated as ",
              CommandSupport.className(OfficialCheckpoints.classNames(nc), editTo),
              Math.max(1, 128 / S),
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

  /** A box y0,y1,x0,x1 of fractions of the image side, y0 < y1 and x0 < x1. */
  private static void checkBox(String option, double[] b) {
    Check.that(
        b.length == 4
            && b[0] >= 0
            && b[0] < b[1]
            && b[1] <= 1
            && b[2] >= 0
            && b[2] < b[3]
            && b[3] <= 1,
        option
            + " must be y0,y1,x0,x1: fractions of the image side, y0 < y1 and x0 < x1; got "
            + Arrays.toString(b));
  }
}
