package io.github.var4j.app;

import io.github.var4j.io.KeyedCsv;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.CoreSampler;
import io.github.var4j.sample.RasterSampler;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.Flops;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.util.Require;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.hipparchus.stat.descriptive.rank.Median;

/**
 * The VAR paper's complexity claim (§3.1, App. D), measured: the time to generate one n×n token map
 * in next-scale order (a schedule ending at n, K ≈ log n steps) and in raster order (n² steps of
 * one token), with the same transformer, both KV-cached with classifier-free guidance, and the
 * FLOPs of each counted from the shapes ({@link Flops#sampling}, {@link
 * Flops#samplingWithoutCache}).
 *
 * <p>The models are randomly initialised: the time of a run does not depend on the weights. Only
 * the transformer's part is timed ({@link CoreSampler#sampleTokenMaps}: the token maps, not
 * decoded), on one graph run per batch. Each (order, n, batch) first runs {@code warmup} untimed
 * batches (graph building and TensorFlow's optimiser), then {@code repeats} timed ones; the row
 * keeps every timed batch and their median. Rows go to a CSV keyed by order, n and batch, written
 * atomically after each: a killed run resumes with the rows it lacks.
 *
 * <pre>
 * n   next-scale schedule (VAR)                      K    L     raster steps
 * 4   1 2 3 4                                        4    30    16
 * 8   1 2 3 4 5 6 8 (the Fashion-MNIST default)      7    155   64
 * 16  1 2 3 4 5 6 8 10 13 16 (official 256 px)       10   680   256
 * 32  1 2 3 4 6 9 13 18 24 32 (official 512 px)      10   2240  1024
 * </pre>
 */
public final class SamplingComplexity {
  /** The columns of the results CSV. */
  public static final List<String> HEADER =
      List.of(
          "run",
          "order",
          "n",
          "batch",
          "steps",
          "tokens",
          "params",
          "flops_per_image",
          "flops_per_image_without_cache",
          "setup_s",
          "median_s_per_batch",
          "s_per_image",
          "images_per_s",
          "timed_s");

  /**
   * The transformer both orders share (random weights).
   *
   * @param depth blocks
   * @param width C
   * @param heads attention heads
   * @param vocab V of the tokenizer's codebook
   * @param cvae the codebook's channels
   * @param classes class count (the null class comes on top)
   */
  public record Model(int depth, int width, int heads, int vocab, int cvae, int classes) {
    /** The configuration in {@code order} over {@code pns}. */
    public VarConfig config(ScaleSchedule pns, TokenOrder order) {
      return VarConfig.ofDepth(depth, vocab, cvae, classes, pns)
          .withEmbedDim(width)
          .withNumHeads(heads)
          .withOrder(order);
    }
  }

  /** One measured (order, n, batch); {@code timed} holds the seconds of every timed batch. */
  public record Row(
      TokenOrder order,
      int n,
      int batch,
      int steps,
      int tokens,
      long params,
      long flops,
      long flopsWithoutCache,
      double setupSeconds,
      double[] timed) {
    /** The median seconds of a batch. */
    public double medianSeconds() {
      return new Median().evaluate(timed);
    }

    public double secondsPerImage() {
      return medianSeconds() / batch;
    }

    /** The CSV row. */
    public Map<String, String> csv() {
      Map<String, String> r = new LinkedHashMap<>();
      r.put("run", key(order, n, batch));
      r.put("order", name(order));
      r.put("n", Integer.toString(n));
      r.put("batch", Integer.toString(batch));
      r.put("steps", Integer.toString(steps));
      r.put("tokens", Integer.toString(tokens));
      r.put("params", Long.toString(params));
      r.put("flops_per_image", Long.toString(flops));
      r.put("flops_per_image_without_cache", Long.toString(flopsWithoutCache));
      r.put("setup_s", f(setupSeconds));
      r.put("median_s_per_batch", f(medianSeconds()));
      r.put("s_per_image", String.format(Locale.ROOT, "%.6g", secondsPerImage()));
      r.put("images_per_s", String.format(Locale.ROOT, "%.4g", 1 / secondsPerImage()));
      StringBuilder t = new StringBuilder();
      for (double v : timed) t.append(t.length() == 0 ? "" : " ").append(f(v));
      r.put("timed_s", t.toString());
      return r;
    }
  }

  private final Model model;
  private final SampleOptions opts;
  private final int warmup;
  private final int repeats;
  private final PrintStream log;

  /**
   * @param opts the sampling options of every run (their seed seeds the weights and labels too)
   * @param warmup untimed batches before the timed ones (at least 1: the first builds the graph)
   * @param repeats timed batches
   */
  public SamplingComplexity(
      Model model, SampleOptions opts, int warmup, int repeats, PrintStream log) {
    Require.atLeast("warmup", warmup, 1);
    Require.atLeast("repeats", repeats, 1);
    this.model = model;
    this.opts = opts;
    this.warmup = warmup;
    this.repeats = repeats;
    this.log = log;
  }

  /**
   * The next-scale schedule that ends at side n: the Fashion-MNIST one at 8, the official ones at
   * 16 and 32, 1..4 at 4.
   *
   * @throws IllegalArgumentException "no scale schedule ends at side 12: use 4, 8, 16 or 32"
   */
  public static ScaleSchedule varSchedule(int n) {
    return switch (n) {
      case 4 -> ScaleSchedule.of(1, 2, 3, 4);
      case 8 -> ScaleSchedule.of(1, 2, 3, 4, 5, 6, 8);
      case 16 -> ScaleSchedule.px256();
      case 32 -> ScaleSchedule.px512();
      default ->
          throw new IllegalArgumentException(
              "no scale schedule ends at side " + n + ": use 4, 8, 16 or 32");
    };
  }

  /** The schedule of {@code order} for an n×n map: {@link #varSchedule} or the one map (n). */
  public static ScaleSchedule schedule(TokenOrder order, int n) {
    return order == TokenOrder.RASTER ? ScaleSchedule.of(n) : varSchedule(n);
  }

  /**
   * Measures every (order, side, batch) that {@code csv} lacks, smallest work first, appending each
   * row as it is done; returns all rows of the CSV (done earlier or now).
   */
  public List<Row> runAll(List<Integer> sides, List<Integer> batches, Path csv) throws IOException {
    Map<String, Map<String, String>> done = KeyedCsv.read(csv, HEADER, "complexity table");
    for (int n : sides) varSchedule(n); // refuse a side without a schedule before any work
    for (int n : sides) {
      for (int batch : batches) {
        for (TokenOrder order : List.of(TokenOrder.NEXT_SCALE, TokenOrder.RASTER)) {
          String key = key(order, n, batch);
          if (done.containsKey(key)) {
            log.printf("[complexity] %s: done (%s)%n", key, csv);
            continue;
          }
          Row r = measure(order, n, batch);
          done.put(key, r.csv());
          KeyedCsv.write(csv, HEADER, done);
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Map<String, String> r : done.values()) rows.add(parse(r));
    return rows;
  }

  /**
   * How a timed sampler is opened: from the random model's configuration, the random tokenizer and
   * a seed for the weights (e.g. with token pruning, or a random refiner beside the model).
   */
  @FunctionalInterface
  public interface Opener {
    CoreSampler open(VarConfig cfg, VqVaeConfig vae, StateDict vaeSd, long seed, int batch);
  }

  /** Times one (order, n, batch) on a random model and a random tokenizer. */
  public Row measure(TokenOrder order, int n, int batch) {
    return measure(
        order,
        n,
        batch,
        order == TokenOrder.RASTER
            ? (cfg, vae, sd, seed, b) -> RasterSampler.randomVar(cfg, seed, vae, sd, b)
            : (cfg, vae, sd, seed, b) -> VarSampler.randomVar(cfg, seed, vae, sd));
  }

  /**
   * As {@link #measure(TokenOrder, int, int)}, with the sampler that {@code opener} opens (the
   * row's FLOPs are those of the order's plain sampler).
   */
  public Row measure(TokenOrder order, int n, int batch, Opener opener) {
    Require.atLeast("batch", batch, 1);
    ScaleSchedule pns = schedule(order, n);
    VarConfig cfg = model.config(pns, order);
    long seed = opts.seed();
    long t0 = System.nanoTime();
    VqVaeConfig base = VqVaeConfig.fashionMnistDefault();
    VqVaeConfig vae =
        base.toBuilder()
            .vocabSize(model.vocab())
            .zChannels(model.cvae())
            .patchNums(pns)
            .imageSize(n * base.downsample())
            .build();
    StateDict vaeSd = Tokenizer.initializedStateDict(vae, seed + 1);
    SplittableRandom rng = new SplittableRandom(seed);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(model.classes());
    log.printf(
        Locale.ROOT,
        "[complexity] %s: %s order, %dx%d map (%s), %d steps, batch %d, %,d parameters%n",
        key(order, n, batch),
        name(order),
        n,
        n,
        pns,
        cfg.numSteps(),
        batch,
        cfg.numParams());
    try (CoreSampler s = opener.open(cfg, vae, vaeSd, seed + 2, batch)) {
      for (int i = 0; i < warmup; i++) s.sampleTokenMaps(labels, opts.withSeed(seed + 100 + i));
      double setup = (System.nanoTime() - t0) / 1e9;
      double[] timed = new double[repeats];
      for (int i = 0; i < repeats; i++) {
        long a = System.nanoTime();
        s.sampleTokenMaps(labels, opts.withSeed(seed + i));
        timed[i] = (System.nanoTime() - a) / 1e9;
      }
      Row r =
          new Row(
              order,
              n,
              batch,
              cfg.numSteps(),
              pns.L(),
              cfg.numParams(),
              Flops.sampling(cfg),
              Flops.samplingWithoutCache(cfg),
              setup,
              timed);
      log.printf(
          Locale.ROOT,
          "[complexity] %s: setup and warm-up %.1f s; timed %s s -> %.4g s per image, %.4g"
              + " images/s%n",
          r.csv().get("run"),
          setup,
          r.csv().get("timed_s"),
          r.secondsPerImage(),
          1 / r.secondsPerImage());
      return r;
    }
  }

  /** The CSV key of a row, e.g. {@code raster-n16-b64}. */
  public static String key(TokenOrder order, int n, int batch) {
    return name(order) + "-n" + n + "-b" + batch;
  }

  /** The order's name in the CSV: {@code next-scale} or {@code raster}. */
  public static String name(TokenOrder order) {
    return order == TokenOrder.RASTER ? "raster" : "next-scale";
  }

  /**
   * A row read back from the CSV.
   *
   * @throws IllegalArgumentException for an unknown order or a malformed number
   */
  public static Row parse(Map<String, String> r) {
    String o = r.get("order");
    TokenOrder order =
        switch (o) {
          case "raster" -> TokenOrder.RASTER;
          case "next-scale" -> TokenOrder.NEXT_SCALE;
          default -> throw new IllegalArgumentException("unknown order '" + o + "'");
        };
    String[] t = r.get("timed_s").trim().split(" ");
    double[] timed = new double[t.length];
    for (int i = 0; i < t.length; i++) timed[i] = Double.parseDouble(t[i]);
    return new Row(
        order,
        Integer.parseInt(r.get("n")),
        Integer.parseInt(r.get("batch")),
        Integer.parseInt(r.get("steps")),
        Integer.parseInt(r.get("tokens")),
        Long.parseLong(r.get("params")),
        Long.parseLong(r.get("flops_per_image")),
        Long.parseLong(r.get("flops_per_image_without_cache")),
        Double.parseDouble(r.get("setup_s")),
        timed);
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
