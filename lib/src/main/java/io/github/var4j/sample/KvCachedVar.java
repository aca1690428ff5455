package io.github.var4j.sample;

import io.github.var4j.transformer.AdaLNSelfAttn;
import io.github.var4j.transformer.KvCache;
import io.github.var4j.transformer.SelfAttention;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The blocks of a {@link VarModel} applied with a KV cache (official {@code kv_caching(True)} in
 * {@code models/basic_var.py}): every block attends from the new tokens to the cached keys/values
 * of all earlier tokens plus its own, and returns the grown cache. Keys are cached after l2
 * normalisation, exactly like the official code; no mask is needed because the cache only holds
 * earlier scales (pass a bias only for token-by-token decoding).
 *
 * <p>Inference only: no drop path. Each block is {@link AdaLNSelfAttn#forward} with a cache entry
 * ({@link SelfAttention#attend} taking the cache).
 */
public final class KvCachedVar {
  /** Keys and values of one block (B, H, Lc, hd), keys l2-normalised. */
  public record Kv(Operand<TFloat32> k, Operand<TFloat32> v) {}

  /**
   * Output of the block stack (B, l, C) and the cache grown by the l new tokens (one entry per
   * block).
   */
  public record Step(Operand<TFloat32> xBlC, List<Kv> cache) {}

  private final VarModel model;
  private final VarConfig cfg;

  public KvCachedVar(VarModel model) {
    this.model = model;
    this.cfg = model.config();
  }

  public VarModel model() {
    return model;
  }

  /**
   * All blocks with the cache.
   *
   * @param xBlC new tokens (B, l, C), l static
   * @param condBlocks {@link VarModel#blockCondition}(cond_BD): (B, C), or (B, 1, 6, C) with shared
   *     AdaLN
   * @param past cache of the earlier tokens (one entry per block), or null for the first tokens
   * @param attnBias additive bias broadcastable to (B, H, l, Lc + l), or null (scale-wise decoding)
   */
  public Step blocks(
      Operand<TFloat32> xBlC,
      Operand<TFloat32> condBlocks,
      List<Kv> past,
      Operand<TFloat32> attnBias) {
    int depth = cfg.depth();
    if (past != null && past.size() != depth) {
      throw new IllegalArgumentException(
          "the cache must have one entry per block (" + depth + "), got " + past.size());
    }
    List<Kv> next = new ArrayList<>(depth);
    Operand<TFloat32> x = xBlC;
    for (int i = 0; i < depth; i++) {
      Kv p = past == null ? null : past.get(i);
      AdaLNSelfAttn.Out r = block(i, x, condBlocks, p, attnBias);
      x = r.out();
      next.add(new Kv(r.kv().kBHLc(), r.kv().vBHLc()));
    }
    return new Step(x, next);
  }

  /**
   * Block {@code i}: x + attn(LN(x)(1+scale1)+shift1)·gamma1, then +
   * ffn(LN(x)(1+scale2)+shift2)·gamma2.
   *
   * @return the block output (B, l, C) and the block's full keys/values (B, H, Lc + l, hd)
   */
  public AdaLNSelfAttn.Out block(
      int i,
      Operand<TFloat32> xBlC,
      Operand<TFloat32> condBlocks,
      Kv past,
      Operand<TFloat32> attnBias) {
    KvCache.Entry p = past == null ? null : new KvCache.Entry(past.k(), past.v());
    return model.blocks().get(i).forward(xBlC, condBlocks, attnBias, p, null, null);
  }
}
