package io.github.var4j.train;

import io.github.var4j.data.Subsets;
import io.github.var4j.nn.StateDict;
import io.github.var4j.transformer.VarConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test metrics of a VAR transformer on cached token maps: teacher forcing without condition dropout
 * (unlike the official {@code eval_ep}, see {@link io.github.var4j.transformer.VarModel}) over
 * {@code maxImages} evenly spaced images of a {@link TokenCache}, in batches of {@value #BATCH}, as
 * image-weighted means of the batch metrics. "Tail" metrics are over the last scale's tokens.
 *
 * <p>The batches are built at the first evaluation and kept, so a training run that evaluates every
 * few steps pays for the teacher-forcing input once.
 */
public final class VarEvaluator {
  /** Images per evaluation batch. */
  static final int BATCH = 200;

  /**
   * Test metrics (teacher forcing, no condition dropout).
   *
   * @param loss mean cross-entropy over all tokens (label smoothing of the run applied; 0 = plain
   *     CE)
   * @param acc top-1 token accuracy over all tokens, percent
   * @param lossTail mean cross-entropy over the last scale's tokens
   * @param accTail top-1 accuracy over the last scale's tokens, percent
   * @param images images evaluated
   */
  public record Result(double loss, double acc, double lossTail, double accTail, int images)
      implements Trainee.Evaluated {
    /** Columns of {@code eval.csv} that {@link #row()} fills. */
    public static final List<String> COLUMNS =
        List.of("test_loss", "test_acc", "test_loss_tail", "test_acc_tail");

    public Map<String, Double> asMap() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("test_loss", loss);
      m.put("test_acc", acc);
      m.put("test_loss_tail", lossTail);
      m.put("test_acc_tail", accTail);
      m.put("test_images", (double) images);
      return m;
    }

    @Override
    public double[] row() {
      return new double[] {loss, acc, lossTail, accTail};
    }

    @Override
    public String line(long step) {
      return String.format(
          Locale.ROOT,
          "[var] eval step %d (%d test images): loss %.4f, acc %.2f%%, last scale: loss "
              + "%.4f, acc %.2f%%",
          step,
          images,
          loss,
          acc,
          lossTail,
          accTail);
    }
  }

  private final TokenCache data;
  private final VarTrainer.XSource xs;
  private final int maxImages;
  private List<VarTrainGraph.Batch> batches; // built at the first evaluation

  /**
   * Evaluates {@code maxImages} evenly spaced images of {@code data} (0 = all), their
   * teacher-forcing input from {@code xs}.
   */
  public VarEvaluator(TokenCache data, VarTrainer.XSource xs, int maxImages) {
    this.data = data;
    this.xs = xs;
    this.maxImages = maxImages;
  }

  /** The metrics of the current weights of {@code g}. */
  public Result evaluate(VarTrainGraph g) {
    if (batches == null) {
      data.checkCompatible(g.config());
      int[] all = Subsets.evenlySpaced(data.size(), maxImages);
      List<VarTrainGraph.Batch> bs = new ArrayList<>();
      for (int b0 = 0; b0 < all.length; b0 += BATCH) {
        int[] idx = Arrays.copyOfRange(all, b0, Math.min(all.length, b0 + BATCH)); // (≤200,)
        bs.add(xs.batch(data, idx));
      }
      batches = bs;
    }
    double loss = 0, acc = 0, lossT = 0, accT = 0;
    int n = 0;
    for (VarTrainGraph.Batch b : batches) {
      VarTrainGraph.Eval e = g.evaluate(b);
      int m = b.size();
      loss += (double) e.loss() * m;
      acc += (double) e.accMean() * m;
      lossT += (double) e.ceTail() * m;
      accT += (double) e.accTail() * m;
      n += m;
    }
    return new Result(loss / n, acc / n, lossT / n, accT / n, n);
  }

  /**
   * Test metrics of a trained model (e.g. an exported one): builds the graph, loads {@code sd},
   * evaluates {@code maxImages} evenly spaced images (0 = all) without condition dropout.
   */
  public static Result evaluateModel(
      VarConfig cfg, StateDict sd, TokenCache data, VarTrainer.XSource xs, int maxImages) {
    data.checkCompatible(cfg);
    try (VarTrainGraph g = new VarTrainGraph(cfg, VarTrainGraph.Options.official())) {
      g.loadWeights(sd);
      return new VarEvaluator(data, xs, maxImages).evaluate(g);
    }
  }
}
