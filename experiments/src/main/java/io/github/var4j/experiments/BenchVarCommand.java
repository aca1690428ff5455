package io.github.var4j.experiments;

import io.github.var4j.data.Subsets;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.nn.Cluster;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.train.TokenCache;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.train.VarTrainGraph;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Training throughput of the VAR transformer: warm-up steps, then timed steps on random tokens, for
 * each depth; prints tokens/s, images/s, the forward-only (evaluation) time, JVM heap and process
 * peak RSS. No assertions.
 */
@Command(name = "bench-var")
public final class BenchVarCommand extends Var4jCommand {

  @Option(names = "--depths", split = ",", defaultValue = "4,6")
  int[] depths;

  @Option(names = "--width")
  Integer width;

  @Option(names = "--heads")
  Integer heads;

  @Option(names = "--batch")
  int batch = 64;

  @Option(names = "--warmup")
  Integer warmup;

  @Option(names = "--steps")
  Integer steps;

  @Mixin RandomModelArgs shape = new RandomModelArgs();

  @Option(names = "--patch-nums", split = ",", defaultValue = "1,2,3,4,5,6,8")
  int[] patchNums;

  @Option(names = "--tokenizer", paramLabel = "DIR")
  Path tokenizer = Path.of(ModelArgs.DEFAULT_TOKENIZER);

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin ResultsArgs results = new ResultsArgs();

  @Mixin ClusterArgs clusterArgs = new ClusterArgs();

  @Override
  public Integer call() throws Exception {
    boolean quick = Quick.enabled();
    Check.nonEmpty("--depths", depths.length);
    for (int d : depths) Check.positive("--depths", d);
    if (width != null) Check.nonNegative("--width", width);
    if (heads != null) Check.nonNegative("--heads", heads);
    Check.positive("--batch", batch);
    if (warmup != null) Check.nonNegative("--warmup", warmup);
    if (steps != null) Check.positive("--steps", steps);
    shape.check();
    ScaleSchedule pns = Check.value("--patch-nums", () -> ScaleSchedule.of(patchNums));
    if (Check.given(spec, "--tokenizer"))
      Check.model("--tokenizer", tokenizer, ModelKind.TOKENIZER, true, "");
    clusterArgs.check();
    Cluster cl = clusterArgs.start("bench-var");
    int tasks = cl == null ? 1 : cl.size();
    Check.that(
        batch % tasks == 0,
        "--batch " + batch + " does not split evenly over the " + tasks + " tasks of --cluster");
    int nWarm = warmup != null ? warmup : quick ? 1 : 3;
    int nSteps = steps != null ? steps : quick ? 2 : 10;
    List<String> csv = new ArrayList<>();
    csv.add(
        "depth,width,heads,params,batch,L,sec_per_step,tokens_per_sec,images_per_sec,eval_sec_per_batch,"
            + "varinput_ms_per_batch,heap_used_mb,heap_peak_mb,rss_peak_mb,cores");
    System.out.printf(
        Locale.ROOT,
        "[bench-var] %d cores, max heap %d MB, warm-up %d + %d timed steps, batch %d, "
            + "V %d, Cvae %d, patchNums %s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        nWarm,
        nSteps,
        batch,
        shape.vocab,
        shape.cvae,
        Arrays.toString(patchNums));
    double varInputMs = cl == null ? timeVarInput(pns, nSteps) : Double.NaN;
    for (int d : depths) {
      VarTrainConfig tc = VarTrainConfig.fashionMnistDefault().withDepth(d).withBatchSize(batch);
      if (width != null || heads != null) {
        tc =
            tc.withWidth(
                width != null ? width : tc.width(),
                heads != null ? heads : width != null ? 0 : tc.heads());
      }
      VarConfig cfg = tc.modelConfig(shape.vocab, shape.cvae, shape.classes, pns);
      // each task takes its part of the global batch (different images per task)
      VarTrainGraph.Batch b = randomBatch(cfg, batch / tasks, 1 + (cl == null ? 0 : cl.task()));
      double secStep, secEval;
      long params;
      try (VarTrainGraph tg = new VarTrainGraph(cfg, VarTrainGraph.Options.official(), cl)) {
        tg.initialize(0);
        params = tg.params().numTrainable();
        LrSchedule.Values v = new LrSchedule.Values(1e-4, 0.05, 0);
        for (int i = 0; i < nWarm; i++) tg.trainStep(b, v, true);
        long t0 = System.nanoTime();
        for (int i = 0; i < nSteps; i++) tg.trainStep(b, v, true);
        secStep = (System.nanoTime() - t0) / 1e9 / nSteps;
        tg.evaluate(b);
        long t1 = System.nanoTime();
        for (int i = 0; i < nSteps; i++) tg.evaluate(b);
        secEval = (System.nanoTime() - t1) / 1e9 / nSteps;
      }
      double tokensPerSec = (double) batch * cfg.patchNums().L() / secStep;
      long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      long heapPeak = heapPeakMb();
      long rss = ProcStatus.mb("VmHWM");
      System.out.printf(
          Locale.ROOT,
          "[bench-var] %s%s; %,d params; batch %d x L %d: %.3f s/step = %,.0f tokens/s "
              + "(%.1f images/s); forward only %.3f s/batch%s; JVM heap used %d MB (peak %d MB), process peak RSS "
              + "(VmHWM, whole process so far) %d MB%n",
          cfg.describe(),
          cl == null ? "" : ", " + tasks + " tasks of " + batch / tasks + " images",
          params,
          batch,
          cfg.patchNums().L(),
          secStep,
          tokensPerSec,
          batch / secStep,
          secEval,
          Double.isNaN(varInputMs)
              ? ""
              : String.format(Locale.ROOT, "; + Tokenizer.varInput %.1f ms/batch", varInputMs),
          heapUsed,
          heapPeak,
          rss);
      csv.add(
          String.format(
              Locale.ROOT,
              "%d,%d,%d,%d,%d,%d,%.4f,%.1f,%.2f,%.4f,%s,%d,%d,%d,%d",
              d,
              cfg.embedDim(),
              cfg.numHeads(),
              params,
              batch,
              cfg.patchNums().L(),
              secStep,
              tokensPerSec,
              batch / secStep,
              secEval,
              Double.isNaN(varInputMs) ? "" : String.format(Locale.ROOT, "%.2f", varInputMs),
              heapUsed,
              heapPeak,
              rss,
              Runtime.getRuntime().availableProcessors()));
    }
    Path dir = output.results(results);
    if (cl != null && !cl.isChief()) return 0; // the chief writes the results
    Path f = dir.resolve(cl == null ? "bench-var.csv" : "bench-var-dp" + tasks + ".csv");
    AtomicFiles.write(f, (String.join("\n", csv) + "\n").getBytes(StandardCharsets.UTF_8));
    System.out.println("[bench-var] wrote " + f);
    return 0;
  }

  /**
   * ms per batch of the tokenizer's teacher-forcing input, or NaN when the tokenizer is missing or
   * does not fit.
   */
  private double timeVarInput(ScaleSchedule pns, int n) throws IOException {
    if (!ModelDir.exists(tokenizer)) return Double.NaN;
    VqVaeConfig vc = ModelDir.config(tokenizer, ModelKind.TOKENIZER);
    if (!vc.patchNums().equals(pns)
        || vc.zChannels() != shape.cvae
        || vc.vocabSize() != shape.vocab) return Double.NaN;
    try (Tokenizer tok = Tokenizer.loadNpyDir(vc, tokenizer)) {
      SplittableRandom r = new SplittableRandom(3);
      int l = vc.patchNums().L();
      int[] t = new int[batch * l];
      for (int i = 0; i < t.length; i++) t[i] = r.nextInt(shape.vocab);
      TokenCache c =
          TokenCache.of(pns, shape.vocab, shape.classes, new int[batch], t, new byte[32]);
      int[] idx = Subsets.evenlySpaced(batch, 0);
      List<int[]> per = c.perScale(idx);
      tok.varInput(per, batch);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) tok.varInput(per, batch);
      return (System.nanoTime() - t0) / 1e6 / n;
    }
  }

  static VarTrainGraph.Batch randomBatch(VarConfig cfg, int b, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int l = cfg.patchNums().L();
    int[] labels = new int[b], t = new int[b * l];
    float[] x = new float[b * (l - cfg.firstL()) * cfg.cvae()];
    for (int i = 0; i < b; i++) labels[i] = r.nextInt(cfg.numClasses());
    for (int i = 0; i < t.length; i++) t[i] = r.nextInt(cfg.vocabSize());
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    return new VarTrainGraph.Batch(labels, x, t);
  }

  private static long heapPeakMb() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null)
        sum += p.getPeakUsage().getUsed();
    }
    return sum >> 20;
  }
}
