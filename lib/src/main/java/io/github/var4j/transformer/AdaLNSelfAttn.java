package io.github.var4j.transformer;

import io.github.var4j.nn.Act;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Linear;
import io.github.var4j.nn.ParamStore;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One VAR block (official {@code models/basic_var.py AdaLNSelfAttn}), named {@code blocks.<i>}:
 *
 * <pre>
 * gamma1, gamma2, scale1, scale2, shift1, shift2 = ada_lin(cond).view(B, 1, 6, C)      // this chunk order
 * x = x + drop_path( attn( LN(x)·(1+scale1) + shift1 , mask) · gamma1 )
 * x = x + drop_path( ffn ( LN(x)·(1+scale2) + shift2 ) · gamma2 )
 * </pre>
 *
 * ada_lin = SiLU then Linear(C, 6C) ({@code blocks.i.ada_lin.1}); LN = LayerNorm(eps, no affine).
 * With shared AdaLN the block has {@code blocks.i.ada_gss} (1, 1, 6, C) instead, added to the
 * shared (B, 1, 6, C) modulation. Parameter order follows the official state dict: [ada_gss],
 * attn.*, ffn.*, [ada_lin.1.*].
 */
public final class AdaLNSelfAttn {
  /**
   * Captured tensors of one block call (the official forward-hook points).
   *
   * @param adaLinOut ada_lin(cond) (B, 6C); for shared AdaLN: ada_gss + shared modulation, (B, 1,
   *     6, C)
   * @param attnOut attention output before gamma1 (B, L, C)
   * @param ffnOut FFN output before gamma2 (B, L, C)
   * @param out block output (B, L, C)
   */
  public record Out(
      Operand<TFloat32> adaLinOut,
      Operand<TFloat32> attnOut,
      Operand<TFloat32> ffnOut,
      Operand<TFloat32> out) {}

  private final ParamStore ps;
  private final String name;
  private final VarConfig cfg;
  private final int blockIdx;
  private final double dropPathRate;
  private final SelfAttention attn;
  private final Ffn ffn;
  private final Linear adaLin; // null with shared AdaLN
  private long calls;

  public AdaLNSelfAttn(ParamStore ps, VarConfig cfg, VarInit init, int blockIdx) {
    this.ps = ps;
    this.cfg = cfg;
    this.blockIdx = blockIdx;
    this.name = "blocks." + blockIdx;
    this.dropPathRate = cfg.dropPathRates()[blockIdx];
    int c = cfg.embedDim();
    if (cfg.sharedAdaLN())
      ps.create(name + ".ada_gss", new long[] {1, 1, 6, c}, Layout.AS_IS, init.adaGss());
    this.attn = new SelfAttention(ps, name + ".attn", cfg, init);
    this.ffn = new Ffn(ps, name + ".ffn", cfg, init);
    this.adaLin =
        cfg.sharedAdaLN()
            ? null
            : new Linear(
                ps, name + ".ada_lin.1", c, 6 * c, true, init.blockAdaLinWeight(), init.zeros());
  }

  public SelfAttention attn() {
    return attn;
  }

  public Ffn ffn() {
    return ffn;
  }

  public double dropPathRate() {
    return dropPathRate;
  }

  /**
   * @param xBLC (B, L, C)
   * @param condBDOrGss cond_BD (B, C) or, with shared AdaLN, the shared modulation (B, 1, 6, C)
   * @param attnBias additive mask (1, 1, L, L) or null
   * @param dropPath drop-path switch (null: statically off)
   * @param noiseKey (2,) int64 key of the drop-path draws ({@link VarModel#noiseKey()}); each call
   *     site derives its own seed from it. May be null when {@code dropPath} is null or the rate is
   *     0
   */
  public Out apply(
      Operand<TFloat32> xBLC,
      Operand<TFloat32> condBDOrGss,
      Operand<TFloat32> attnBias,
      Operand<TBool> dropPath,
      Operand<TInt64> noiseKey) {
    Ops tf = ps.tf();
    Modulation m = modulation(condBDOrGss);
    Operand<TFloat32> gamma1 = m.gamma1(),
        gamma2 = m.gamma2(),
        scale1 = m.scale1(),
        scale2 = m.scale2(),
        shift1 = m.shift1(),
        shift2 = m.shift2(),
        ada = m.ada();

    Operand<TFloat32> h1 = norm(xBLC, scale1, shift1);
    Operand<TFloat32> attnOut = attn.apply(h1, attnBias);
    boolean drop = dropPath != null && dropPathRate > 0;
    long id = (long) (blockIdx + 1) << 32 | (calls++ << 1);
    Operand<TFloat32> x =
        tf.math.add(
            xBLC,
            DropPath.apply(
                tf,
                tf.math.mul(attnOut, gamma1),
                dropPathRate,
                dropPath,
                drop ? VarModel.siteSeed(tf, noiseKey, id) : null));

    Operand<TFloat32> h2 = norm(x, scale2, shift2);
    Operand<TFloat32> ffnOut = ffn.apply(h2);
    x =
        tf.math.add(
            x,
            DropPath.apply(
                tf,
                tf.math.mul(ffnOut, gamma2),
                dropPathRate,
                dropPath,
                drop ? VarModel.siteSeed(tf, noiseKey, id | 1) : null));
    return new Out(ada, attnOut, ffnOut, x);
  }

  /**
   * The AdaLN modulation of this block: {@code ada} (B, 6C), or with shared AdaLN the shared
   * modulation plus {@code ada_gss} (B, 1, 6, C), and its six chunks, each (B, 1, C), in the
   * official order gamma1, gamma2, scale1, scale2, shift1, shift2.
   */
  public record Modulation(
      Operand<TFloat32> ada,
      Operand<TFloat32> gamma1,
      Operand<TFloat32> gamma2,
      Operand<TFloat32> scale1,
      Operand<TFloat32> scale2,
      Operand<TFloat32> shift1,
      Operand<TFloat32> shift2) {}

  /** The modulation of cond_BD (B, C), or of the shared modulation (B, 1, 6, C). */
  public Modulation modulation(Operand<TFloat32> condBDOrGss) {
    Ops tf = ps.tf();
    int c = cfg.embedDim();
    Operand<TFloat32> ada, mod;
    if (adaLin != null) {
      ada = adaLin.apply(Act.silu(tf, condBDOrGss)); // (B, 6C)
      mod = tf.reshape(ada, tf.constant(new long[] {-1, 1, 6, c}));
    } else {
      ada = tf.math.add(ps.get(name + ".ada_gss"), condBDOrGss); // (B, 1, 6, C)
      mod = ada;
    }
    List<org.tensorflow.Output<TFloat32>> ch =
        tf.unstack(mod, 6L, Unstack.axis(2L)).output(); // 6 x (B, 1, C)
    return new Modulation(ada, ch.get(0), ch.get(1), ch.get(2), ch.get(3), ch.get(4), ch.get(5));
  }

  /**
   * The block for inference with a KV cache (no drop path): x +
   * attn(LN(x)(1+scale1)+shift1)·gamma1, then + ffn(LN(x)(1+scale2)+shift2)·gamma2, where attention
   * also sees the cached keys/values.
   *
   * @param xBlC new tokens (B, l, C)
   * @param pastK cached l2-normalised keys (B, H, Lc, hd), or null for the first tokens
   * @param pastV cached values (B, H, Lc, hd), or null
   * @param attnBias additive bias broadcastable to (B, H, l, Lc + l), or null
   * @return the block output (B, l, C) and the full keys/values (B, H, Lc + l, hd)
   */
  public SelfAttention.Result applyCached(
      Operand<TFloat32> xBlC,
      Operand<TFloat32> condBDOrGss,
      Operand<TFloat32> pastK,
      Operand<TFloat32> pastV,
      Operand<TFloat32> attnBias) {
    Ops tf = ps.tf();
    Modulation m = modulation(condBDOrGss);
    Operand<TFloat32> h1 = norm(xBlC, m.scale1(), m.shift1());
    SelfAttention.Result a = attn.attend(h1, attnBias, pastK, pastV);
    Operand<TFloat32> x = tf.math.add(xBlC, tf.math.mul(a.out(), m.gamma1()));
    Operand<TFloat32> h2 = norm(x, m.scale2(), m.shift2());
    x = tf.math.add(x, tf.math.mul(ffn.apply(h2), m.gamma2()));
    return new SelfAttention.Result(x, a.kBHLc(), a.vBHLc());
  }

  /** LN(x)·(1 + scale) + shift: the AdaLN-modulated LayerNorm (eps from the config, no affine). */
  private Operand<TFloat32> norm(
      Operand<TFloat32> x, Operand<TFloat32> scale, Operand<TFloat32> shift) {
    Ops tf = ps.tf();
    float eps = (float) cfg.normEps();
    return tf.math.add(
        tf.math.mul(Act.layerNorm(tf, x, eps), tf.math.add(scale, tf.constant(1f))), shift);
  }
}
