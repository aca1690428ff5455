package io.github.var4j.experiments;

import io.github.var4j.app.SampleFigures;
import io.github.var4j.data.FashionMnist;
import io.github.var4j.data.Mnist;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Class-conditional sampling figures of a trained VAR: a sample grid (rows = classes), a CFG sweep,
 * a top-k/top-p grid, the coarse-to-fine sequence and the token maps of a few samples. Writes
 * {@code figures/var-<tag>-{samples,cfg-sweep,topk-topp,coarse-to-fine,token-maps}.png}.
 */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description =
        "Figures of class-conditional VAR sampling: class grid, CFG sweep, top-k/top-p grid, "
            + "coarse-to-fine sequence, token maps.")
public final class SampleCommand implements Callable<Integer> {
  private static final String P = "[sample]";

  @Option(
      names = "--tokenizer",
      defaultValue = "models/fmnist-tokenizer",
      description = "exported tokenizer directory")
  Path tokenizer;

  @Option(
      names = "--var",
      defaultValue = "models/fmnist-var",
      description =
          "exported VAR directory (written by train-var: config.json kind=var + <name>.npy)")
  Path var;

  @Option(
      names = "--data",
      defaultValue = "fashion-mnist",
      description =
          "the VAR's data set, for class names and the figure tag: fashion-mnist, mnist or an image folder")
  String data;

  @Option(names = "--figures", defaultValue = "figures", description = "where figures are written")
  Path figures;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "sampling seed (same seed = same images)")
  long seed;

  @Option(
      names = "--per-class",
      description = "images per class in the class grid (default 10; quick mode 3)")
  Integer perClass;

  @Option(
      names = "--cfg",
      defaultValue = "1.5",
      description =
          "classifier-free guidance of the class grid, the top-k/"
              + "top-p grid and the coarse-to-fine figures")
  double cfg;

  @Option(names = "--top-k", defaultValue = "0", description = "top-k of the class grid (0 = off)")
  int topK;

  @Option(names = "--top-p", defaultValue = "0", description = "top-p of the class grid (0 = off)")
  double topP;

  @Option(names = "--more-smooth", description = "gumbel-softmax smoothing (visualisation only)")
  boolean moreSmooth;

  @Option(
      names = "--cfg-sweep",
      split = ",",
      description =
          "guidance strengths of the sweep (default 0,1,1.5,3,5; " + "quick mode 0,1.5,5)")
  double[] cfgSweep;

  @Option(
      names = "--grid-class",
      defaultValue = "8",
      description = "class of the top-k/top-p grid (clipped to the " + "model's classes)")
  int gridClass;

  @Option(
      names = "--grid-top-k",
      split = ",",
      description =
          "top-k per row of the top-k/top-p grid (0 = off; " + "default 0,100,10,0,0,100)")
  int[] gridTopK;

  @Option(
      names = "--grid-top-p",
      split = ",",
      description =
          "top-p per row of the top-k/top-p grid (0 = off; " + "default 0,0,0,0.9,0.6,0.9)")
  double[] gridTopP;

  @Option(
      names = "--grid-samples",
      description = "images per row of the top-k/top-p grid (default 8; quick mode 4)")
  Integer gridSamples;

  @Option(names = "--scale", defaultValue = "2", description = "pixel scale of the sample pictures")
  int scale;

  @Mixin OfficialArgs officialArgs = new OfficialArgs();

  @Option(
      names = "--classes",
      split = ",",
      defaultValue = "207,360,387,974,88,979,417,279",
      description = "with --official: the classes to sample (default: the official demo's)")
  int[] classes;

  @Option(
      names = "--tag",
      defaultValue = "official",
      description = "with --official: prefix of the figure files (default: ${DEFAULT-VALUE})")
  String officialTag;

  @Override
  public Integer call() throws Exception {
    if (officialArgs.given()) {
      return OfficialSample.run(
          officialArgs.source(),
          classes,
          new SampleOptions(cfg, topK, topP, moreSmooth, seed, false),
          figures,
          officialTag);
    }
    long t0 = System.nanoTime();
    boolean quick = Quick.enabled();
    int perCls = perClass != null ? perClass : quick ? 3 : 10;
    double[] cfgs =
        cfgSweep != null
            ? cfgSweep
            : quick ? new double[] {0, 1.5, 5} : new double[] {0, 1, 1.5, 3, 5};
    int[] ks =
        gridTopK != null
            ? gridTopK
            : quick ? new int[] {0, 10, 0} : new int[] {0, 100, 10, 0, 0, 100};
    double[] ps =
        gridTopP != null
            ? gridTopP
            : quick ? new double[] {0, 0, 0.6} : new double[] {0, 0, 0, 0.9, 0.6, 0.9};
    int samples = gridSamples != null ? gridSamples : quick ? 4 : 8;
    if (perCls <= 0)
      throw new IllegalArgumentException("--per-class must be positive, got " + perCls);
    if (samples <= 0)
      throw new IllegalArgumentException("--grid-samples must be positive, got " + samples);
    if (scale <= 0) throw new IllegalArgumentException("--scale must be positive, got " + scale);
    if (cfgs.length == 0) throw new IllegalArgumentException("--cfg-sweep must not be empty");
    if (ks.length != ps.length) {
      throw new IllegalArgumentException(
          "--grid-top-k and --grid-top-p must have the same length, got "
              + ks.length
              + " and "
              + ps.length);
    }
    SampleOptions opts = new SampleOptions(cfg, topK, topP, moreSmooth, seed, false);
    String tag = DataArgs.tag(data);

    try (VarSampler sampler = open(tokenizer, var, P)) {
      VarConfig vc = sampler.varConfig();
      int nc = vc.numClasses();
      List<String> names = classNames(data, nc, P);
      System.out.printf(
          Locale.ROOT,
          "%s class grid, CFG sweep base, coarse-to-fine: %s, seed %d%s%n",
          P,
          opts.label(),
          seed,
          quick ? " (quick mode)" : "");
      List<Path> written = new ArrayList<>();

      long t = System.nanoTime();
      SampleResult grid = sampler.sampleClasses(perCls, opts);
      System.out.printf(
          Locale.ROOT,
          P + " %d images (%d per class) in %.1f s%n",
          grid.n(),
          perCls,
          (System.nanoTime() - t) / 1e9);
      written.add(
          write(
              SampleFigures.classGrid(grid, perCls, names, scale),
              figures,
              "var-" + tag + "-samples.png",
              P));

      int[] all = new int[nc];
      for (int c = 0; c < nc; c++) all[c] = c;
      written.add(
          write(
              SampleFigures.cfgSweep(sampler, all, cfgs, opts, names, scale),
              figures,
              "var-" + tag + "-cfg-sweep.png",
              P));

      int gc = Math.max(0, Math.min(gridClass, nc - 1));
      System.out.println(
          P
              + " top-k/top-p grid: class "
              + gc
              + " ("
              + className(names, gc)
              + "), rows k="
              + Arrays.toString(ks)
              + " p="
              + Arrays.toString(ps));
      written.add(
          write(
              SampleFigures.topKTopPGrid(
                  sampler, gc, ks, ps, samples, opts.withTopK(0).withTopP(0), scale),
              figures,
              "var-" + tag + "-topk-topp.png",
              P));

      int[] which = fewSamples(nc, perCls);
      written.add(
          write(
              SampleFigures.coarseToFine(sampler, grid, which, names, scale + 1),
              figures,
              "var-" + tag + "-coarse-to-fine.png",
              P));
      written.add(
          write(
              SampleFigures.tokenMaps(sampler, grid, which, 12),
              figures,
              "var-" + tag + "-token-maps.png",
              P));

      System.out.printf(
          Locale.ROOT,
          P + " wrote %d figures in %.1f s (wall time, load included)%n",
          written.size(),
          (System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }

  /**
   * Indices into a class-major result: the first sample of classes 0, 1, 7, 9 (those that exist,
   * else 0..3).
   */
  static int[] fewSamples(int numClasses, int perClass) {
    int[] pick = Arrays.stream(new int[] {0, 1, 7, 9}).filter(c -> c < numClasses).toArray();
    if (pick.length < Math.min(4, numClasses)) {
      pick = java.util.stream.IntStream.range(0, Math.min(4, numClasses)).toArray();
    }
    return Arrays.stream(pick).map(c -> c * perClass).toArray();
  }

  // ---- shared with ZeroShotCommand
  // ----------------------------------------------------------------------------------

  /**
   * Loads an exported tokenizer and VAR into one sampler, with messages that say what to run when
   * one is missing.
   *
   * @throws IOException e.g. "VAR model not found: models/fmnist-var/config.json (train one with
   *     `scripts/var4j train-var`, or pass --var)"
   */
  static VarSampler open(Path tokenizerDir, Path varDir, String prefix) throws IOException {
    if (!ModelDir.exists(tokenizerDir)) {
      throw new IOException(
          "tokenizer not found: "
              + tokenizerDir.resolve(ModelDir.CONFIG)
              + " (train one with `scripts/var4j train-tokenizer`, or pass --tokenizer)");
    }
    if (!ModelDir.exists(varDir)) {
      throw new IOException(
          "VAR model not found: "
              + varDir.resolve(ModelDir.CONFIG)
              + " (train one with `scripts/var4j train-var`, or pass --var)");
    }
    long t = System.nanoTime();
    VqVaeConfig vaeCfg = ModelDir.config(tokenizerDir, ModelKind.TOKENIZER);
    VarConfig varCfg = ModelDir.config(varDir, ModelKind.VAR);
    VarSampler.checkAgree(varCfg, vaeCfg);
    VarSampler s =
        VarSampler.load(
            varCfg, StateDict.loadNpyDir(varDir), vaeCfg, StateDict.loadNpyDir(tokenizerDir));
    System.out.printf(
        Locale.ROOT,
        "%s tokenizer %s: V=%d, Cvae=%d, %dx%d px, patchNums %s%n",
        prefix,
        tokenizerDir,
        vaeCfg.vocabSize(),
        vaeCfg.zChannels(),
        vaeCfg.imageSize(),
        vaeCfg.imageSize(),
        vaeCfg.patchNums());
    System.out.printf(
        Locale.ROOT,
        "%s VAR %s: %s, %,d parameters (loaded in %.1f s)%n",
        prefix,
        varDir,
        VarTrainer.describe(varCfg),
        varCfg.numParams(),
        (System.nanoTime() - t) / 1e9);
    return s;
  }

  /**
   * Class names of the data set (Fashion-MNIST, MNIST, or the sorted sub-folders of an image
   * folder) plus "unconditional" for the null class, or null when their number is not the model's
   * {@code numClasses}.
   */
  static List<String> classNames(String data, int numClasses, String prefix) throws IOException {
    List<String> names;
    if (data.equals("fashion-mnist")) {
      names = FashionMnist.CLASS_NAMES;
    } else if (data.equals("mnist")) {
      names = Mnist.CLASS_NAMES;
    } else {
      Path root = Path.of(data);
      if (!Files.isDirectory(root)) return null;
      try (Stream<Path> s = Files.list(root)) {
        names =
            s.filter(Files::isDirectory)
                .map(p -> p.getFileName().toString())
                .filter(n -> !n.startsWith("."))
                .sorted()
                .toList();
      }
    }
    if (names.size() != numClasses) {
      System.out.println(
          prefix
              + " "
              + data
              + " has "
              + names.size()
              + " classes, the VAR "
              + numClasses
              + ": labels shown as numbers");
      return null;
    }
    List<String> out = new ArrayList<>(names);
    out.add("unconditional");
    return out;
  }

  static String className(List<String> names, int c) {
    return names != null && c >= 0 && c < names.size() ? names.get(c) : "class " + c;
  }

  /** Writes a PNG and prints its path and size. */
  static Path write(BufferedImage img, Path dir, String name, String prefix) throws IOException {
    Path p = dir.resolve(name);
    Images.writePng(img, p);
    System.out.println(
        prefix + " wrote " + p + " (" + img.getWidth() + "x" + img.getHeight() + ")");
    return p;
  }

  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new SampleCommand()).execute(args));
  }
}
