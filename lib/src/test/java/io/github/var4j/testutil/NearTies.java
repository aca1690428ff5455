package io.github.var4j.testutil;

/**
 * Decides whether a token that differs from a stored (golden or official) token is a near-tie: a
 * token that the same draw would give from logits within {@code delta} of this machine's, so that
 * another CPU's rounding (another summation order in the same TF binary) explains the difference.
 *
 * <p>The draw is the sampler's ({@code Sampling.multinomial}): top-k, then top-p (official
 * semantics: in ascending order, entries whose cumulative softmax is {@code <= 1 - top_p} are
 * removed, never the largest), then the first index whose cumulative weight exceeds {@code u ·
 * total} for a uniform {@code u} that depends on the seed only. Greedy is argmax.
 *
 * <p>Method: every logit may move by at most {@code delta} (max norm). Then each weight {@code
 * exp(x_j - max)} moves by at most a factor {@code e^{±2·delta}}, the k-th largest logit by at most
 * {@code delta}, and an entry's top-k and top-p decisions are either certain or "uncertain". The
 * bounds on the cumulative distribution take the uncertain entries in or out, whichever widens the
 * interval, so the test is an over-approximation: it accepts every token that some logits within
 * {@code delta} would give, and a few more at the edges; it rejects every token whose interval lies
 * further than that from {@code u} (for example every token of a bug that changes the logits by
 * more than {@code delta}, or the random stream).
 */
public final class NearTies {
  private NearTies() {}

  /** Slack for float64 rounding of the cumulative sums (V &lt;= 2^16 terms of at most 1). */
  private static final double SLACK = 1e-12;

  /**
   * True when {@code g} is the argmax of logits within {@code delta} of {@code row}: {@code row[g]
   * >= max(row) - 2·delta}.
   */
  public static boolean reachableGreedy(float[] row, int g, double delta) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : row) max = Math.max(max, v);
    return row[g] >= max - 2 * delta;
  }

  /**
   * True when uniform {@code u} draws {@code g} from some logits within {@code delta} of {@code
   * row} after top-k/top-p masking (see the class comment).
   *
   * @param row guided logits of one position (V), before masking
   * @param topK 0 or &gt;= V: off
   * @param topP 0: off
   * @param u the draw's uniform in [0, 1)
   */
  public static boolean reachable(
      float[] row, int topK, double topP, double u, int g, double delta) {
    int v = row.length;
    double max = Double.NEGATIVE_INFINITY;
    for (float x : row) max = Math.max(max, x);
    double lo = Math.exp(-2 * delta), hi = Math.exp(2 * delta);
    double[] w = new double[v];
    for (int j = 0; j < v; j++) w[j] = Math.exp(row[j] - max);
    // status: 1 surely kept, 0 uncertain, -1 surely removed
    int[] status = new int[v];
    java.util.Arrays.fill(status, 1);
    if (topK > 0 && topK < v) {
      float[] sorted = row.clone();
      java.util.Arrays.sort(sorted);
      double kth = sorted[v - topK];
      for (int j = 0; j < v; j++) {
        if (row[j] >= kth + 2 * delta) status[j] = 1;
        else if (row[j] < kth - 2 * delta) status[j] = -1;
        else status[j] = 0;
      }
    }
    if (topP > 0) {
      double thr = 1 - topP;
      int[] p = status.clone();
      for (int j = 0; j < v; j++) {
        if (status[j] < 0) continue;
        // S_j: the ascending cumulative softmax through j, over the entries top-k leaves
        double aLo = w[j] * lo, bHi = 0, aHi = w[j] * hi, bLo = 0;
        boolean possiblyLargest = true, surelyLargest = true;
        for (int i = 0; i < v; i++) {
          if (i == j || status[i] < 0) continue;
          boolean sure = status[i] > 0;
          if (row[i] > row[j] + 2 * delta) possiblyLargest = false;
          if (row[i] >= row[j] - 2 * delta) surelyLargest = false;
          if (sure && row[i] < row[j] - 2 * delta) aLo += w[i] * lo;
          else bHi += w[i] * hi;
          if (row[i] <= row[j] + 2 * delta) aHi += w[i] * hi;
          else if (sure) bLo += w[i] * lo;
        }
        double sLo = aLo / (aLo + bHi), sHi = aHi / (aHi + bLo);
        int topPStatus;
        if (surelyLargest || sLo > thr + SLACK) topPStatus = 1;
        else if (!possiblyLargest && sHi <= thr - SLACK) topPStatus = -1;
        else topPStatus = 0;
        p[j] = Math.min(status[j], topPStatus);
      }
      status = p;
    }
    if (status[g] < 0) return false;
    // F(g-1) <= u < F(g), with F(j) = C(j) / (C(j) + R(j)) in vocabulary order
    double cLoBefore = 0, rHiFrom = 0, cHiThrough = 0, rLoAfter = 0;
    for (int i = 0; i < v; i++) {
      if (i < g) {
        if (status[i] > 0) cLoBefore += w[i] * lo;
      } else if (status[i] >= 0) {
        rHiFrom += w[i] * hi;
      }
      if (i <= g) {
        if (status[i] >= 0) cHiThrough += w[i] * hi;
      } else if (status[i] > 0) {
        rLoAfter += w[i] * lo;
      }
    }
    double fLoBefore = cLoBefore / (cLoBefore + rHiFrom);
    double fHiThrough = cHiThrough / (cHiThrough + rLoAfter);
    return fLoBefore <= u + SLACK && u < fHiThrough + SLACK;
  }
}
