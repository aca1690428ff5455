package io.github.var4j.transformer;

import io.github.var4j.util.Require;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The KV cache of a VAR's blocks, the graph-building counterpart of the official {@code
 * kv_caching(True)} ({@code models/basic_var.py}): per block the keys and values of every token
 * seen so far, each (B, H, Lc, hd). Keys are cached after l2 normalisation, as the official code
 * caches them.
 *
 * <p>A forward that is given a cache caches: {@link VarModel#applyBlocks} with a cache (an {@link
 * #empty} one for the first tokens) attends from the new tokens to the cached ones plus themselves
 * and returns the grown cache; without one (training) it attends within the tokens it is given,
 * under the mask. No mask is needed with a cache that holds only earlier steps.
 *
 * <pre>
 * cache = KvCache.empty(depth)                                  kv_caching(True)
 * x1, cache = blocks(x_step1, cond, cache)                      Lc = l1
 * x2, cache = blocks(x_step2, cond, cache)                      Lc = l1 + l2
 * </pre>
 *
 * Immutable: growing returns a new cache, so two models may each keep their own.
 */
public final class KvCache {
  /** Keys (l2-normalised with attnL2Norm) and values of one attention layer, (B, H, Lc, hd). */
  public record Entry(Operand<TFloat32> kBHLc, Operand<TFloat32> vBHLc) {}

  private final List<Entry> blocks; // null entries: nothing cached yet

  private KvCache(List<Entry> blocks) {
    this.blocks = Collections.unmodifiableList(blocks);
  }

  /** The cache before the first tokens: caching on, nothing cached. */
  public static KvCache empty(int depth) {
    Require.positive("depth", depth);
    return new KvCache(new ArrayList<>(Collections.nCopies(depth, null)));
  }

  /** A cache of the given per-block entries (one per block, none null). */
  public static KvCache of(List<Entry> blocks) {
    if (blocks.isEmpty() || blocks.stream().anyMatch(e -> e == null))
      throw new IllegalArgumentException("a cache needs one entry per block, none missing");
    return new KvCache(new ArrayList<>(blocks));
  }

  /** Number of blocks. */
  public int depth() {
    return blocks.size();
  }

  /** The entry of block i, or null while nothing is cached. */
  public Entry block(int i) {
    return blocks.get(i);
  }
}
