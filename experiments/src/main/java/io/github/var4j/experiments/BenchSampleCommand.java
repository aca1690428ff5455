package io.github.var4j.experiments;

import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.RasterSampler;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.hipparchus.stat.descriptive.rank.Median;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Sampling throughput: VAR's next-scale prediction (K steps) against a raster-order baseline with
 * the same transformer that generates the last scale's pn² tokens one per step. Both run the same
 * KV-cached sampling loop, unrolled into one graph: one Session.run per batch. Prints the
 * configuration and images/s; makes no assertion on time.
 */
@Command(name = "bench-sample")
public final class BenchSampleCommand extends Var4jCommand {

  @Mixin ModelArgs models = new ModelArgs();

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Option(names = "--var-depth")
  Integer varDepth;

  @Option(names = "--classes")
  int classes = 10;

  @Option(names = "--batch")
  int batch = 64;

  @Mixin TimingArgs timing = new TimingArgs(false);

  @Option(names = "--raster", paramLabel = "DIR")
  Path raster = Path.of("models/fmnist-raster-var");

  @Option(names = "--raster-tokenizer", paramLabel = "DIR")
  Path rasterTokenizer = Path.of("models/fmnist-tokenizer-raster");

  @Option(names = "--raster-repeats")
  int rasterRepeats = 1;

  @Override
  Integer run() throws Exception {
    SampleOptions opts = sampling.options();
    long seed = opts.seed();
    Check.positive("--batch", batch);
    Check.nonNegative("--raster-repeats", rasterRepeats);
    Check.positive("--classes", classes);
    boolean random = varDepth != null;
    if (random) {
      Check.positive("--var-depth", varDepth);
      Check.that(
          !models.varGiven(), "--var-depth (a random VAR) and --var exclude each other: give one");
    } else {
      models.check();
    }
    if (Check.given(spec, "--raster")) Check.model("--raster", raster, ModelKind.VAR, true, "");
    if (Check.given(spec, "--raster-tokenizer"))
      Check.model("--raster-tokenizer", rasterTokenizer, ModelKind.TOKENIZER, true, "");
    Path tokenizer = models.tokenizer;
    long t0 = System.nanoTime();
    VqVaeConfig vaeCfg;
    StateDict vaeSd;
    String tokDesc;
    if (!random || ModelDir.exists(tokenizer)) {
      vaeCfg = models.tokenizerConfig();
      vaeSd = StateDict.loadNpyDir(tokenizer);
      tokDesc = tokenizer.toString();
    } else {
      vaeCfg = VqVaeConfig.fashionMnistDefault();
      vaeSd = Tokenizer.initializedStateDict(vaeCfg, seed + 1);
      tokDesc = "random (" + tokenizer + " not found)";
      System.out.println(
          "[bench-sample] tokenizer dir "
              + tokenizer
              + " not found: using a randomly initialised "
              + "Fashion-MNIST default tokenizer (timings do not depend on the weights)");
    }
    VarConfig varCfg;
    StateDict varSd = null;
    String varDesc;
    if (!random) {
      varCfg = models.varConfig();
      varSd = StateDict.loadNpyDir(models.var);
      varDesc = models.var.toString();
    } else {
      varCfg =
          VarConfig.ofDepth(
              varDepth, vaeCfg.vocabSize(), vaeCfg.zChannels(), classes, vaeCfg.patchNums());
      varDesc = "random depth " + varDepth;
    }
    ScaleSchedule pns = varCfg.patchNums();
    int pnLast = pns.latentSide();
    String threads =
        System.getenv().getOrDefault("VAR4J_INTRA_THREADS", "cores")
            + "/"
            + System.getenv().getOrDefault("VAR4J_INTER_THREADS", "2");
    System.out.printf(
        Locale.ROOT,
        "[bench-sample] config: tokenizer %s (V=%d, Cvae=%d, %dx%d px, %d ch); VAR %s "
            + "(depth %d, C=%d, heads %d, classes %d, %,d params); patchNums %s (K=%d, L=%d, last %dx%d = %d tokens); "
            + "batch %d, %s; %d CPU cores (shared machine), intra/inter threads %s%n",
        tokDesc,
        vaeCfg.vocabSize(),
        vaeCfg.zChannels(),
        vaeCfg.imageSize(),
        vaeCfg.imageSize(),
        vaeCfg.inChannels(),
        varDesc,
        varCfg.depth(),
        varCfg.embedDim(),
        varCfg.numHeads(),
        varCfg.numClasses(),
        varCfg.numParams(),
        pns,
        pns.K(),
        pns.L(),
        pnLast,
        pnLast,
        pns.lastL(),
        batch,
        opts.label(),
        Runtime.getRuntime().availableProcessors(),
        threads);

    SplittableRandom rng = new SplittableRandom(seed);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(varCfg.numClasses());

    double varIps;
    try (VarSampler sampler =
        varSd != null
            ? VarSampler.load(varCfg, varSd, vaeCfg, vaeSd)
            : VarSampler.randomVar(varCfg, seed + 2, vaeCfg, vaeSd)) {
      sampler.setChunkSize(batch);
      System.out.printf(
          Locale.ROOT,
          "[bench-sample] setup (load, build) %.1f s%n",
          (System.nanoTime() - t0) / 1e9);
      double[] w = time(timing.warmup, i -> sampler.sample(labels, opts.withSeed(seed + 100 + i)));
      double[] ts = time(timing.repeats, i -> sampler.sample(labels, opts.withSeed(seed + i)));
      varIps = batch / median(ts);
      System.out.printf(
          Locale.ROOT,
          "[bench-sample] VAR    : %d scale steps, 1 Session.run per batch; warm-up %s s; "
              + "timed %s s per batch of %d -> median %.3f s = %.1f images/s%n",
          varCfg.patchNums().K(),
          fmt(w),
          fmt(ts),
          batch,
          median(ts),
          varIps);
    }
    if (rasterRepeats > 0) {
      long r0 = System.nanoTime();
      String rasterDesc;
      RasterSampler sampler;
      if (Files.isDirectory(raster) && Files.isDirectory(rasterTokenizer)) {
        sampler =
            RasterSampler.load(
                ModelDir.config(raster, ModelKind.VAR),
                StateDict.loadNpyDir(raster),
                ModelDir.config(rasterTokenizer, ModelKind.TOKENIZER),
                StateDict.loadNpyDir(rasterTokenizer),
                batch);
        rasterDesc = raster.toString();
      } else {
        ScaleSchedule one = ScaleSchedule.of(pnLast);
        sampler =
            RasterSampler.randomVar(
                varCfg.withPatchNums(one).withOrder(TokenOrder.RASTER),
                seed + 3,
                vaeCfg.withPatchNums(one),
                vaeSd,
                batch);
        rasterDesc = "random (" + raster + " not found)";
      }
      try (RasterSampler r = sampler) {
        double[] w =
            time(Math.min(timing.warmup, 1), i -> r.images(labels, opts.withSeed(seed + 100 + i)));
        double[] ts = time(rasterRepeats, i -> r.images(labels, opts.withSeed(seed + i)));
        double rIps = batch / median(ts);
        System.out.printf(
            Locale.ROOT,
            "[bench-sample] raster : %s, %,d params; %d token steps, 1 Session.run per batch;"
                + " setup %.1f s, warm-up %s s; timed %s s per batch of %d -> median %.3f s = %.1f"
                + " images/s%n",
            rasterDesc,
            r.varConfig().numParams(),
            r.steps(),
            (System.nanoTime() - r0) / 1e9 - sum(w) - sum(ts),
            fmt(w),
            fmt(ts),
            batch,
            median(ts),
            rIps);
        System.out.printf(
            Locale.ROOT, "[bench-sample] VAR / raster throughput: %.1fx%n", varIps / rIps);
      }
    }
    return 0;
  }

  private interface Job {
    void run(int i) throws Exception;
  }

  private static double[] time(int n, Job job) throws Exception {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      job.run(i);
      t[i] = (System.nanoTime() - s) / 1e9;
    }
    return t;
  }

  private static double median(double[] t) {
    return new Median().evaluate(t);
  }

  private static double sum(double[] t) {
    double s = 0;
    for (double v : t) s += v;
    return s;
  }

  private static String fmt(double[] t) {
    if (t.length == 0) return "-";
    StringBuilder sb = new StringBuilder();
    for (double v : t)
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v));
    return sb.toString();
  }
}
