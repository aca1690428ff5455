package io.github.var4j.quant;

import io.github.var4j.util.Require;
import java.util.ArrayList;
import java.util.List;

/**
 * Codebook usage statistics per scale, accumulated over token maps (pure Java).
 *
 * <p><b>Usage</b> of scale si = 100 * (number of codes hit at least once by the maps of that scale)
 * / V. This is a plain count over the given maps, not the official EMA-with-margin statistic
 * ({@code ema_vocab_hit_SV >= margin}, which needs the distributed training state).
 * <b>Perplexity</b> = exp(H) of the empirical code distribution of that scale (natural log; 1 = a
 * single code, V = uniform over all codes).
 */
public final class CodebookUsage {
  /** Statistics of one scale. */
  public record Scale(int distinct, long tokens, double usagePercent, double perplexity) {}

  private final int vocabSize;
  private final long[][] counts; // (K, V)

  public CodebookUsage(int vocabSize, int numScales) {
    Require.atLeast("vocabSize", vocabSize, 2);
    Require.atLeast("numScales", numScales, 1);
    this.vocabSize = vocabSize;
    this.counts = new long[numScales][vocabSize];
  }

  /**
   * Statistics of the given maps: {@code idxPerScale.get(si)} holds all tokens of scale si (any
   * batch size).
   */
  public static List<Scale> of(int vocabSize, List<int[]> idxPerScale) {
    CodebookUsage u = new CodebookUsage(vocabSize, idxPerScale.size());
    u.add(idxPerScale);
    return u.scales();
  }

  /** Adds the tokens of scale si. */
  public CodebookUsage add(int si, int[] idx) {
    if (si < 0 || si >= counts.length) {
      throw new IllegalArgumentException(
          "scale index must be in [0, " + (counts.length - 1) + "], got " + si);
    }
    for (int v : idx) {
      if (v < 0 || v >= vocabSize)
        throw new IllegalArgumentException("token " + v + " outside [0, " + vocabSize + ")");
      counts[si][v]++;
    }
    return this;
  }

  /** Adds one batch of maps, one array per scale (the first {@code idxPerScale.size()} scales). */
  public CodebookUsage add(List<int[]> idxPerScale) {
    if (idxPerScale.size() > counts.length) {
      throw new IllegalArgumentException(
          "got " + idxPerScale.size() + " scales, expected at most " + counts.length);
    }
    for (int si = 0; si < idxPerScale.size(); si++) add(si, idxPerScale.get(si));
    return this;
  }

  /** Hit counts per code of scale si (copy). */
  public long[] counts(int si) {
    return counts[si].clone();
  }

  /** 100 * fraction of the V codes hit at least once at scale si (0 when nothing was added). */
  public double usagePercent(int si) {
    return 100.0 * distinct(si) / vocabSize;
  }

  /** exp(entropy) of the code distribution of scale si (natural log); 0 when nothing was added. */
  public double perplexity(int si) {
    long n = 0;
    for (long c : counts[si]) n += c;
    if (n == 0) return 0;
    double h = 0;
    for (long c : counts[si]) {
      if (c > 0) {
        double p = (double) c / n;
        h -= p * Math.log(p);
      }
    }
    return Math.exp(h);
  }

  /** Number of distinct codes seen at scale si. */
  public int distinct(int si) {
    int d = 0;
    for (long c : counts[si]) if (c > 0) d++;
    return d;
  }

  /** Statistics of every scale. */
  public List<Scale> scales() {
    List<Scale> out = new ArrayList<>();
    for (int si = 0; si < counts.length; si++) {
      long n = 0;
      for (long c : counts[si]) n += c;
      out.add(new Scale(distinct(si), n, usagePercent(si), perplexity(si)));
    }
    return out;
  }

  public int vocabSize() {
    return vocabSize;
  }

  public int numScales() {
    return counts.length;
  }
}
