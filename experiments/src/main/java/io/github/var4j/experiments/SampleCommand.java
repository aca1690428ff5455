package io.github.var4j.experiments;

import io.github.var4j.app.SampleFigures;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.transformer.VarConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Class-conditional sampling figures of a trained VAR: a sample grid (rows = classes), a CFG sweep,
 * a top-k/top-p grid, the coarse-to-fine sequence and the token maps of a few samples. Writes
 * {@code <figures>/var-<tag>-{samples,cfg-sweep,topk-topp,coarse-to-fine,token-maps}.png}; with the
 * official models {@code <figures>/<tag>-{samples,coarse-to-fine,token-maps}.png}.
 */
@Command(name = "sample")
public final class SampleCommand extends Var4jCommand {
  private static final String P = "[sample]";

  @Mixin ModelArgs models = new ModelArgs();

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Option(names = "--data")
  String data = "fashion-mnist";

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin FiguresArgs figures = new FiguresArgs();

  @Option(names = "--per-class")
  Integer perClass;

  @Option(names = "--cfg-sweep", split = ",")
  double[] cfgSweep;

  @Option(names = "--grid-class")
  int gridClass = 8;

  @Option(names = "--grid-top-k", split = ",")
  int[] gridTopK;

  @Option(names = "--grid-top-p", split = ",")
  double[] gridTopP;

  @Option(names = "--grid-samples")
  Integer gridSamples;

  @Option(names = "--scale")
  int scale = 2;

  @Mixin OfficialArgs officialArgs = new OfficialArgs();

  @Option(names = "--classes", split = ",", defaultValue = "207,360,387,974,88,979,417,279")
  int[] classes;

  @Mixin TagArgs officialTag = new TagArgs("official");

  @Override
  Integer run() throws Exception {
    officialArgs.checkMode(
        new String[] {
          "--var",
          "--tokenizer",
          "--data",
          "--per-class",
          "--cfg-sweep",
          "--grid-class",
          "--grid-top-k",
          "--grid-top-p",
          "--grid-samples",
          "--scale"
        },
        "--classes",
        "--tag");
    SampleOptions opts = sampling.options();
    Path figureDir = output.figures(figures);
    if (officialArgs.given()) {
      Check.nonEmpty("--classes", classes.length);
      return OfficialSample.run(
          officialArgs.source(), classes, opts, figureDir, officialTag.value());
    }
    boolean quick = Quick.enabled();
    int perCls = Check.positive("--per-class", perClass != null ? perClass : quick ? 3 : 10);
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
    int samples =
        Check.positive("--grid-samples", gridSamples != null ? gridSamples : quick ? 4 : 8);
    Check.positive("--scale", scale);
    Check.nonEmpty("--cfg-sweep", cfgs.length);
    for (double g : cfgs) Check.nonNegative("--cfg-sweep", g);
    for (int k : ks) Check.nonNegative("--grid-top-k", k);
    for (double p : ps) Check.inRange("--grid-top-p", p, 0, 1);
    Check.that(
        ks.length == ps.length,
        "--grid-top-k and --grid-top-p must have the same length, got "
            + ks.length
            + " and "
            + ps.length);
    DataArgs.check(data);
    models.check();
    return run(opts, perCls, cfgs, ks, ps, samples, figureDir);
  }

  private int run(
      SampleOptions opts, int perCls, double[] cfgs, int[] ks, double[] ps, int samples, Path dir)
      throws Exception {
    long t0 = System.nanoTime();
    String tag = DataArgs.tag(data);
    try (VarSampler sampler = CommandSupport.openSampler(models, P)) {
      VarConfig vc = sampler.varConfig();
      int nc = vc.numClasses();
      List<String> names = CommandSupport.classNames(data, nc, P);
      System.out.printf(
          Locale.ROOT,
          "%s class grid, CFG sweep base, coarse-to-fine: %s, seed %d%s%n",
          P,
          opts.label(),
          opts.seed(),
          Quick.enabled() ? " (quick mode)" : "");
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
          CommandSupport.writeFigure(
              SampleFigures.classGrid(grid, perCls, names, scale),
              dir,
              "var-" + tag + "-samples.png",
              P));

      int[] all = IntStream.range(0, nc).toArray();
      written.add(
          CommandSupport.writeFigure(
              SampleFigures.cfgSweep(sampler, all, cfgs, opts, names, scale),
              dir,
              "var-" + tag + "-cfg-sweep.png",
              P));

      int gc = Math.max(0, Math.min(gridClass, nc - 1));
      System.out.println(
          P
              + " top-k/top-p grid: class "
              + gc
              + " ("
              + CommandSupport.className(names, gc)
              + "), rows k="
              + Arrays.toString(ks)
              + " p="
              + Arrays.toString(ps));
      written.add(
          CommandSupport.writeFigure(
              SampleFigures.topKTopPGrid(
                  sampler, gc, ks, ps, samples, opts.withTopK(0).withTopP(0), scale),
              dir,
              "var-" + tag + "-topk-topp.png",
              P));

      int[] which = fewSamples(nc, perCls);
      written.add(
          CommandSupport.writeFigure(
              SampleFigures.coarseToFine(sampler, grid, which, names, scale + 1),
              dir,
              "var-" + tag + "-coarse-to-fine.png",
              P));
      written.add(
          CommandSupport.writeFigure(
              SampleFigures.tokenMaps(sampler, grid, which, 12),
              dir,
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
      pick = IntStream.range(0, Math.min(4, numClasses)).toArray();
    }
    return Arrays.stream(pick).map(c -> c * perClass).toArray();
  }
}
