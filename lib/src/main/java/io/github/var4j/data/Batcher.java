package io.github.var4j.data;

import io.github.var4j.util.Require;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shuffled mini-batches of dataset indices, reproducible from {@code (seed, epoch)} alone: epoch
 * {@code e} is a Fisher-Yates permutation of {@code 0..n-1} drawn from {@code
 * SplittableRandom(mix(seed, e))}, cut into consecutive batches of {@code batchSize}. With {@code
 * dropLast} the final short batch is dropped; otherwise it is kept (smaller).
 *
 * <p>{@link #batch(long)} addresses batches by global step ({@code epoch = step /
 * batchesPerEpoch()}), so a resumed training run sees exactly the batches it would have seen
 * without the interruption.
 *
 * <pre>
 * Batcher b = new Batcher(train.size(), 64, true, 0L);
 * for (long step = 0; step &lt; steps; step++) {
 *     int[] idx = b.batch(step);                     // (B,)
 *     float[] x = train.toFloatBatch(idx, 32);       // (B, 32, 32, C)
 *     int[] y = train.labels(idx);                   // (B,)
 * }
 * </pre>
 */
public final class Batcher {

  private final int n, batchSize;
  private final boolean dropLast;
  private final long seed;
  private int cachedEpoch = -1;
  private int[] cachedPerm;

  /**
   * @param n dataset size, &gt; 0
   * @param batchSize &gt; 0; with dropLast it must be &lt;= n
   */
  public Batcher(int n, int batchSize, boolean dropLast, long seed) {
    Require.positive("n", n);
    Require.positive("batchSize", batchSize);
    if (dropLast && batchSize > n)
      throw new IllegalArgumentException(
          "batchSize " + batchSize + " > n " + n + " with dropLast leaves no batches");
    this.n = n;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.seed = seed;
  }

  public int size() {
    return n;
  }

  public int batchSize() {
    return batchSize;
  }

  public boolean dropLast() {
    return dropLast;
  }

  /** Batches per epoch: n / batchSize with dropLast, else ceil(n / batchSize). */
  public int batchesPerEpoch() {
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** The permutation of 0..n-1 used in {@code epoch} (>= 0). */
  public int[] permutation(int epoch) {
    return perm(epoch).clone();
  }

  /**
   * All batches of {@code epoch}, each (B,) with B = batchSize (the last may be shorter without
   * dropLast).
   */
  public int[][] epoch(int epoch) {
    int[] p = perm(epoch);
    int nb = batchesPerEpoch();
    int[][] out = new int[nb][];
    for (int b = 0; b < nb; b++)
      out[b] = Arrays.copyOfRange(p, b * batchSize, Math.min(n, (b + 1) * batchSize));
    return out;
  }

  /**
   * The batch at global step {@code step} (>= 0): batch {@code step % batchesPerEpoch()} of epoch
   * {@code step / batchesPerEpoch()}.
   */
  public int[] batch(long step) {
    Require.atLeast("step", step, 0);
    int nb = batchesPerEpoch();
    long e = step / nb;
    if (e > Integer.MAX_VALUE)
      throw new IllegalArgumentException("step " + step + " is beyond the last epoch");
    int b = (int) (step % nb);
    int[] p = perm((int) e);
    return Arrays.copyOfRange(p, b * batchSize, Math.min(n, (b + 1) * batchSize));
  }

  /** The epoch that global step {@code step} belongs to. */
  public int epochOf(long step) {
    return (int) (step / batchesPerEpoch());
  }

  private synchronized int[] perm(int epoch) {
    Require.atLeast("epoch", epoch, 0);
    if (epoch != cachedEpoch) {
      SplittableRandom rng = new SplittableRandom(mix(seed, epoch));
      int[] p = new int[n];
      for (int i = 0; i < n; i++) p[i] = i;
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      cachedPerm = p;
      cachedEpoch = epoch;
    }
    return cachedPerm;
  }

  /** splitmix64-style mix of (seed, epoch) into one well-spread seed. */
  private static long mix(long seed, int epoch) {
    long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1L) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
