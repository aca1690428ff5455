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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  Integer run() throws Exception {
    boolean quick = Quick.enabled();
    Check.nonEmpty("--depths", depths.length);
    for (int d : depths) Check.positive("--depths", d);
    if (width != null) Check.nonNegative("--width", width);
    if (heads != null) Check.nonNegative("--heads", heads);
    Check.positive("--batch", batch);
    if (warmup != null) Check.nonNegative("--warmup", warmup);
    if (steps != null) Check.positive("--steps", steps);
    ScaleSchedule pns = Check.value("--patch-nums", () -> ScaleSchedule.of(patchNums));
    if (Check.given(spec, "--tokenizer"))
      Check.model("--tokenizer", tokenizer, ModelKind.TOKENIZER, true, "");
    Cluster cl = clusterArgs.start("bench-var");
    int tasks = cl == null ? 1 : cl.size();
    Check.that(
        batch % tasks == 0,
        "--batch " + batch + " does not split evenly over the " + tasks + " tasks of --cluster");
    int nWarm = warmup != null ? warmup : quick ? 1 : 3;
    int nSteps = steps != null ? steps : quick ? 2 : 10;
    List<String> csv = new ArrayList<>();
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
      VarTrainConfig tc =
          SizeArgs.resize(
              VarTrainConfig.fashionMnistDefault().withDepth(d).withBatchSize(batch), width, heads);
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
      // one row of bench-var.csv; the console shows the same columns
      Map<String, String> row = new LinkedHashMap<>();
      row.put("depth", "" + d);
      row.put("width", "" + cfg.embedDim());
      row.put("heads", "" + cfg.numHeads());
      row.put("params", "" + params);
      row.put("batch", "" + batch);
      row.put("L", "" + cfg.patchNums().L());
      row.put("sec_per_step", String.format(Locale.ROOT, "%.4f", secStep));
      row.put("tokens_per_sec", String.format(Locale.ROOT, "%.1f", tokensPerSec));
      row.put("images_per_sec", String.format(Locale.ROOT, "%.2f", batch / secStep));
      row.put("eval_sec_per_batch", String.format(Locale.ROOT, "%.4f", secEval));
      row.put(
          "varinput_ms_per_batch",
          Double.isNaN(varInputMs) ? "" : String.format(Locale.ROOT, "%.2f", varInputMs));
      row.put(
          "heap_used_mb",
          "" + (ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20));
      row.put("heap_peak_mb", "" + heapPeakMb());
      row.put("rss_peak_mb", "" + ProcStatus.mb("VmHWM")); // VmHWM: the whole process so far
      row.put("cores", "" + Runtime.getRuntime().availableProcessors());
      if (csv.isEmpty()) csv.add(String.join(",", row.keySet()));
      csv.add(String.join(",", row.values()));
      StringBuilder line = new StringBuilder("[bench-var] " + cfg.describe());
      if (cl != null) line.append(", ").append(tasks).append(" tasks of ").append(batch / tasks);
      String sep = ": "; // describe() already says depth, width and heads
      for (var e : row.entrySet()) {
        if (List.of("depth", "width", "heads").contains(e.getKey())) continue;
        line.append(sep).append(e.getKey()).append(' ').append(e.getValue());
        sep = ", ";
      }
      System.out.println(line);
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
