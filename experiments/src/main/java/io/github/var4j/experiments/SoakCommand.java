package io.github.var4j.experiments;

import io.github.var4j.io.AtomicFiles;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.train.Progress;
import io.github.var4j.train.TokenCache;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.hipparchus.stat.regression.SimpleRegression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Memory soak test: trains a VAR with the real trainer ({@link VarTrainer}: batches,
 * teacher-forcing input from the tokenizer, evaluations, checkpoints, CSVs) and, every {@code
 * --every} steps, samples {@code --samples} batches with a {@link VarSampler} (KV-cached generation
 * and VQ-VAE decoding), printing the process RSS ({@code VmRSS} of {@code /proc/self/status}) and
 * the JVM heap in use after a GC. At the end it prints the first and last RSS and the least-squares
 * slope in MB per 1000 steps (from the second point on, after the sampler's graph exists): flat
 * means every TF Tensor, Result and Session is closed. The training data are random token maps (a
 * leak does not depend on what is learnt), so no data set or token cache is needed.
 */
@Command(name = "soak")
public final class SoakCommand extends Var4jCommand {
  @Mixin StepsArgs budget = new StepsArgs();

  @Mixin RunDirArgs runDir = new RunDirArgs();

  private static final String P = "[soak]";

  @Option(names = "--tokenizer", paramLabel = "DIR")
  Path tokenizer = Path.of(ModelArgs.DEFAULT_TOKENIZER);

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Mixin SizeArgs size = new SizeArgs(2, 64, 2);

  @Option(names = "--every", defaultValue = "50")
  long every;

  @Option(names = "--samples", defaultValue = "2")
  int samples;

  @Option(names = "--sample-batch", defaultValue = "10")
  int sampleBatch;

  @Option(names = "--images", defaultValue = "1024")
  int images;

  /** One measurement: step, process RSS and JVM heap after GC, in MB. */
  record Point(long step, double rssMb, double heapMb) {}

  @Override
  Integer run() throws Exception {
    long steps = budget.steps(600);
    int batch = budget.batch(16);
    Check.that(steps >= 2, "--steps must be >= 2, got " + steps);
    Check.positive("--every", every);
    Check.nonNegative("--samples", samples);
    Check.positive("--sample-batch", sampleBatch);
    Check.positive("--batch", batch);
    Check.positive("--images", images);
    SampleOptions opts = sampling.options();
    if (Check.given(spec, "--tokenizer"))
      Check.model("--tokenizer", tokenizer, ModelKind.TOKENIZER, true, "");
    long t0 = System.nanoTime();
    boolean tempRun = runDir.dir == null;
    Path run = tempRun ? Files.createTempDirectory("var4j-soak-") : runDir.dir;
    VqVaeConfig vaeCfg;
    StateDict vaeSd;
    if (ModelDir.exists(tokenizer)) {
      vaeCfg = ModelDir.config(tokenizer, ModelKind.TOKENIZER);
      vaeSd = StateDict.loadNpyDir(tokenizer);
      System.out.println(P + " tokenizer " + tokenizer);
    } else {
      vaeCfg = VqVaeConfig.fashionMnistDefault();
      vaeSd = Tokenizer.initializedStateDict(vaeCfg, 1);
      System.out.println(
          P + " no tokenizer in " + tokenizer + ": a randomly initialised default tokenizer");
    }
    int classes = 10;
    VarTrainConfig cfg =
        size.apply(VarTrainConfig.quick(steps))
            .withBatchSize(batch)
            .withEval(every, 64)
            .withCheckpointEvery(every)
            .withLogEvery(every);
    VarConfig varCfg =
        cfg.modelConfig(vaeCfg.vocabSize(), vaeCfg.zChannels(), classes, vaeCfg.patchNums());
    TokenCache train = randomTokens(images, varCfg, 1), test = randomTokens(64, varCfg, 2);
    System.out.printf(
        Locale.ROOT,
        "%s %s; %d steps of %d images, every %d steps: %d x %d samples, eval, checkpoint; "
            + "run dir %s; %d cores, max heap %d MB%n",
        P,
        varCfg.describe(),
        steps,
        batch,
        every,
        samples,
        sampleBatch,
        run,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    List<Point> points = new ArrayList<>();
    points.add(measure(0));
    print(points.get(0), 0);
    VarSampler[] sampler = new VarSampler[1];
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (Tokenizer tok = Tokenizer.load(vaeCfg, vaeSd);
        VarTrainer trainer = new VarTrainer(varCfg, cfg, run)) {
      trainer.train(
          train,
          test,
          tok::varInput,
          quiet,
          step -> {
            if (step % every != 0 && step != steps) return;
            if (sampler[0] == null)
              sampler[0] = VarSampler.fromTokenizer(varCfg, trainer.stateDict(), tok);
            int n = 0;
            for (int i = 0; i < samples; i++) {
              int[] labels = new int[sampleBatch];
              for (int j = 0; j < sampleBatch; j++) labels[j] = (j + i) % classes;
              SampleResult r =
                  sampler[0].sample(labels, opts.withSeed(opts.seed() + step * 1000 + i));
              n += r.n();
            }
            Point pt = measure(step);
            points.add(pt);
            print(pt, n);
          });
    } finally {
      if (sampler[0] != null) sampler[0].close();
      if (tempRun) AtomicFiles.deleteTree(run);
    }
    Point first = points.get(1), last = points.get(points.size() - 1);
    double slope = slopePer1000(points.subList(1, points.size()));
    List<Point> late = points.subList(Math.max(1, points.size() / 2), points.size());
    double lateSlope = slopePer1000(late);
    double maxRss = points.stream().mapToDouble(Point::rssMb).max().orElse(Double.NaN);
    System.out.printf(
        Locale.ROOT,
        "%s RSS before training %.0f MB; first measurement (step %d) %.0f MB, last (step %d) "
            + "%.0f MB, max %.0f MB; slope %+.1f MB per 1000 steps (least squares over %d points from step %d), "
            + "%+.1f over the second half (from step %d); heap %.1f -> %.1f MB; wall time %s%n",
        P,
        points.get(0).rssMb(),
        first.step(),
        first.rssMb(),
        last.step(),
        last.rssMb(),
        maxRss,
        slope,
        points.size() - 1,
        first.step(),
        lateSlope,
        late.get(0).step(),
        first.heapMb(),
        last.heapMb(),
        Progress.duration((System.nanoTime() - t0) / 1e9));
    return 0;
  }

  /** Random labels and token maps (uniform over the vocabulary) of {@code n} images. */
  static TokenCache randomTokens(int n, VarConfig cfg, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] labels = new int[n], t = new int[n * cfg.patchNums().L()];
    for (int i = 0; i < n; i++) labels[i] = r.nextInt(cfg.numClasses());
    for (int i = 0; i < t.length; i++) t[i] = r.nextInt(cfg.vocabSize());
    return TokenCache.of(
        cfg.patchNums(), cfg.vocabSize(), cfg.numClasses(), labels, t, new byte[32]);
  }

  private static Point measure(long step) {
    System.gc();
    double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    long rss = ProcStatus.mb("VmRSS");
    return new Point(step, rss < 0 ? Double.NaN : rss, heap);
  }

  private static void print(Point p, int sampled) {
    System.out.printf(
        Locale.ROOT,
        "%s step %6d  RSS %7.1f MB  heap %6.1f MB%s%n",
        P,
        p.step(),
        p.rssMb(),
        p.heapMb(),
        sampled > 0 ? "  (sampled " + sampled + " images)" : "");
  }

  /** Least-squares slope of RSS over steps, in MB per 1000 steps (NaN with fewer than 2 points). */
  static double slopePer1000(List<Point> pts) {
    SimpleRegression r = new SimpleRegression();
    for (Point p : pts) r.addData(p.step(), p.rssMb());
    return 1000 * r.getSlope();
  }
}
