package io.github.var4j.sample;

import io.github.var4j.util.RecordBuilders;

/**
 * Options of VAR sampling (official {@code autoregressive_infer_cfg} arguments in {@code
 * models/var.py}).
 *
 * @param cfg classifier-free guidance strength; scale si uses t = cfg·si/(K-1) and {@code logits =
 *     (1+t)·cond - t·uncond} (no guidance at scale 0). FID setting 1.5, demo 4
 * @param topK keep only logits >= the k-th largest (0 = off; k >= V keeps everything)
 * @param topP nucleus sampling: remove the smallest logits whose ascending cumulative softmax is <=
 *     1 - topP, never the largest (0 = off)
 * @param moreSmooth visualisation-only smoothing: h = gumbel_softmax(masked logits·(1+ratio),
 *     tau) @ E instead of E[idx], tau = max(0.27·(1-0.95·ratio), 0.005), ratio = si/(K-1)
 * @param seed seed of the stateless random ops: the same seed (and labels and batch size) gives the
 *     same images
 * @param greedy take the argmax of the guided logits instead of sampling (= official top_k=1; for
 *     parity tests)
 */
public record SampleOptions(
    double cfg, int topK, double topP, boolean moreSmooth, long seed, boolean greedy) {

  public SampleOptions {
    if (!(cfg >= 0) || Double.isInfinite(cfg)) {
      throw new IllegalArgumentException("cfg must be >= 0, got " + cfg);
    }
    if (topK < 0) throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
    if (!(topP >= 0 && topP <= 1))
      throw new IllegalArgumentException("top_p must be in [0, 1], got " + topP);
  }

  /** cfg 1.5, no top-k/top-p, plain multinomial sampling, seed 0. */
  public static SampleOptions defaults() {
    return new SampleOptions(1.5, 0, 0, false, 0, false);
  }

  /**
   * The standard sampling setting of var4j: cfg 1.5, top-k 100, top-p 0.96, no smoothing, plain
   * sampling with {@code seed}. It is the setting of the committed sample-quality table's "VAR +
   * CFG" row ({@code experiments/results/eval-table.csv}: FID 0.891 on the default Fashion-MNIST
   * models), and the default of every command of the experiments CLI that samples ({@code --cfg},
   * {@code --top-k}, {@code --top-p}, {@code --more-smooth}, {@code --seed}).
   */
  public static SampleOptions standard(long seed) {
    return new SampleOptions(1.5, 100, 0.96, false, seed, false);
  }

  /** The official FID-evaluation setting: cfg 1.5, top_k 900, top_p 0.96, no smoothing. */
  public static SampleOptions fidEval(long seed) {
    return new SampleOptions(1.5, 900, 0.96, false, seed, false);
  }

  /**
   * Greedy (argmax) decoding with guidance {@code cfg}: deterministic, used to replay the parity
   * fixtures.
   */
  public static SampleOptions greedy(double cfg) {
    return new SampleOptions(cfg, 0, 0, false, 0, true);
  }

  public SampleOptions withCfg(double v) {
    return toBuilder().cfg(v).build();
  }

  public SampleOptions withTopK(int v) {
    return toBuilder().topK(v).build();
  }

  public SampleOptions withTopP(double v) {
    return toBuilder().topP(v).build();
  }

  public SampleOptions withMoreSmooth(boolean v) {
    return toBuilder().moreSmooth(v).build();
  }

  public SampleOptions withSeed(long v) {
    return toBuilder().seed(v).build();
  }

  public SampleOptions withGreedy(boolean v) {
    return toBuilder().greedy(v).build();
  }

  /** Short label, e.g. "cfg=1.5 k=900 p=0.96". */
  public String label() {
    StringBuilder sb = new StringBuilder("cfg=").append(trim(cfg));
    if (greedy) sb.append(" greedy");
    if (topK > 0) sb.append(" k=").append(topK);
    if (topP > 0) sb.append(" p=").append(trim(topP));
    if (moreSmooth) sb.append(" smooth");
    return sb.toString();
  }

  private static String trim(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  // ---- builder ----

  /**
   * A builder with no component set yet; {@link Builder#build} needs every one of them (start from
   * a factory's {@link #toBuilder} to change only a few).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's components, e.g. {@code c.toBuilder().x(v).build()}. */
  public Builder toBuilder() {
    return new Builder()
        .cfg(cfg)
        .topK(topK)
        .topP(topP)
        .moreSmooth(moreSmooth)
        .seed(seed)
        .greedy(greedy);
  }

  /**
   * Builds a {@link SampleOptions} one named component at a time (see the record's components for
   * their meaning). {@link #build} runs the canonical constructor, so a bad value fails there, with
   * the record's own message; a component that was never set fails with {@link
   * IllegalStateException}.
   */
  public static final class Builder {
    private double cfg;
    private int topK;
    private double topP;
    private boolean moreSmooth;
    private long seed;
    private boolean greedy;
    private int unset = (1 << 6) - 1; // bit i: component i not given yet

    private Builder() {}

    public Builder cfg(double v) {
      cfg = v;
      return given(0);
    }

    public Builder topK(int v) {
      topK = v;
      return given(1);
    }

    public Builder topP(double v) {
      topP = v;
      return given(2);
    }

    public Builder moreSmooth(boolean v) {
      moreSmooth = v;
      return given(3);
    }

    public Builder seed(long v) {
      seed = v;
      return given(4);
    }

    public Builder greedy(boolean v) {
      greedy = v;
      return given(5);
    }

    private Builder given(int component) {
      unset &= ~(1 << component);
      return this;
    }

    /**
     * The configuration, validated by the canonical constructor.
     *
     * @throws IllegalArgumentException the record's message for a bad value
     * @throws IllegalStateException naming the components that were never set
     */
    public SampleOptions build() {
      RecordBuilders.requireAll(SampleOptions.class, unset);
      return new SampleOptions(cfg, topK, topP, moreSmooth, seed, greedy);
    }
  }
}
