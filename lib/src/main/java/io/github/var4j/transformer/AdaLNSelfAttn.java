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
 * One {@link #forward} serves training (block-causal mask, drop path, no cache) and inference (a
 * {@link KvCache} entry in, the grown entry out, no mask, no drop path), as the official forward
 * does with {@code kv_caching} off or on. With shared AdaLN the block has {@code blocks.i.ada_gss}
 * (1, 1, 6, C) instead, added to the shared (B, 1, 6, C) modulation. Parameter order follows the
 * official state dict: [ada_gss], attn.*, ffn.*, [ada_lin.1.*].
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
   * @param kv the attention's keys/values (B, H, Lc + L, hd): the given cache grown by the L tokens
   */
  public record Out(
      Operand<TFloat32> adaLinOut,
      Operand<TFloat32> attnOut,
      Operand<TFloat32> ffnOut,
      Operand<TFloat32> out,
      KvCache.Entry kv) {}

  private final ParamStore ps;
  private final String name;
  private final VarConfig cfg;
  private final int blockIdx;
  private final double dropPathRate;
  private final SelfAttention attn;
  private final Ffn ffn;
  private final Linear adaLin; // null with shared AdaLN or without AdaLN
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
    if (!cfg.adaLN()) { // plain pre-LN block: LayerNorms with learned affine parameters
      for (String ln : new String[] {".ln_1", ".ln_2"}) {
        ps.create(name + ln + ".weight", new long[] {c}, Layout.AS_IS, init.ones());
        ps.create(name + ln + ".bias", new long[] {c}, Layout.AS_IS, init.zeros());
      }
    }
    this.attn = new SelfAttention(ps, name + ".attn", cfg, init);
    this.ffn = new Ffn(ps, name + ".ffn", cfg, init);
    this.adaLin =
        cfg.sharedAdaLN() || !cfg.adaLN()
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
   * The block: x + drop_path(attn(LN(x)(1+scale1)+shift1)·gamma1), then +
   * drop_path(ffn(LN(x)(1+scale2)+shift2)·gamma2).
   *
   * @param xBLC (B, L, C)
   * @param condBDOrGss cond_BD (B, C) or, with shared AdaLN, the shared modulation (B, 1, 6, C)
   * @param attnBias additive mask (1, 1, L, L) or null (cached inference)
   * @param past this block's cached keys/values (B, H, Lc, hd), or null (no cache or nothing cached
   *     yet)
   * @param dropPath drop-path switch (null: statically off)
   * @param noiseKey (2,) int64 key of the drop-path draws ({@link VarModel#noiseKey()}); each call
   *     site derives its own seed from it. May be null when {@code dropPath} is null or the rate is
   *     0
   */
  public Out forward(
      Operand<TFloat32> xBLC,
      Operand<TFloat32> condBDOrGss,
      Operand<TFloat32> attnBias,
      KvCache.Entry past,
      Operand<TBool> dropPath,
      Operand<TInt64> noiseKey) {
    boolean drop = dropPath != null && dropPathRate > 0;
    long id = (long) (blockIdx + 1) << 32 | (calls++ << 1);
    if (!cfg.adaLN()) { // plain pre-LN: x + attn(LN(x)), x + ffn(LN(x)); the condition is unused
      SelfAttention.Result a = attn.attend(plainNorm(xBLC, ".ln_1"), attnBias, past);
      Operand<TFloat32> x = residual(xBLC, a.out(), null, dropPath, drop ? noiseKey : null, id);
      Operand<TFloat32> ffnOut = ffn.apply(plainNorm(x, ".ln_2"));
      x = residual(x, ffnOut, null, dropPath, drop ? noiseKey : null, id | 1);
      return new Out(null, a.out(), ffnOut, x, a.kv());
    }
    Modulation m = modulation(condBDOrGss);
    SelfAttention.Result a = attn.attend(norm(xBLC, m.scale1(), m.shift1()), attnBias, past);
    Operand<TFloat32> attnOut = a.out(); // (B, L, C)
    Operand<TFloat32> x = residual(xBLC, attnOut, m.gamma1(), dropPath, drop ? noiseKey : null, id);
    Operand<TFloat32> ffnOut = ffn.apply(norm(x, m.scale2(), m.shift2())); // (B, L, C)
    x = residual(x, ffnOut, m.gamma2(), dropPath, drop ? noiseKey : null, id | 1);
    return new Out(m.ada(), attnOut, ffnOut, x, a.kv());
  }

  /** LN(x)·weight + bias with the block's learned affine LayerNorm {@code ln} (no AdaLN). */
  private Operand<TFloat32> plainNorm(Operand<TFloat32> x, String ln) {
    Ops tf = ps.tf();
    return tf.math.add(
        tf.math.mul(Act.layerNorm(tf, x, (float) cfg.normEps()), ps.get(name + ln + ".weight")),
        ps.get(name + ln + ".bias"));
  }

  /**
   * x + drop_path(branch·gamma) (gamma null: no scaling), the drop-path draw seeded by call site
   * {@code site}.
   */
  private Operand<TFloat32> residual(
      Operand<TFloat32> x,
      Operand<TFloat32> branch,
      Operand<TFloat32> gamma,
      Operand<TBool> dropPath,
      Operand<TInt64> noiseKey,
      long site) {
    Ops tf = ps.tf();
    Operand<TInt64> seed = noiseKey == null ? null : VarModel.siteSeed(tf, noiseKey, site);
    Operand<TFloat32> scaled = gamma == null ? branch : tf.math.mul(branch, gamma);
    return tf.math.add(x, DropPath.apply(tf, scaled, dropPathRate, dropPath, seed));
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

  /** LN(x)·(1 + scale) + shift: the AdaLN-modulated LayerNorm (eps from the config, no affine). */
  private Operand<TFloat32> norm(
      Operand<TFloat32> x, Operand<TFloat32> scale, Operand<TFloat32> shift) {
    Ops tf = ps.tf();
    float eps = (float) cfg.normEps();
    return tf.math.add(
        tf.math.mul(Act.layerNorm(tf, x, eps), tf.math.add(scale, tf.constant(1f))), shift);
  }
}
