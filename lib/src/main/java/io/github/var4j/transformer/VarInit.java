package io.github.var4j.transformer;

import io.github.var4j.nn.Init;

/**
 * The official VAR initialisation ({@code VAR.__init__} + {@code init_weights} in {@code
 * models/var.py}) as per-parameter {@link Init}s. Values are produced in PyTorch layout, so "rows"
 * of a Linear weight are output features.
 *
 * <ul>
 *   <li>every Linear weight and every Embedding ({@code class_emb}, {@code lvl_embed}):
 *       trunc_normal(std) with ABSOLUTE bounds ±2, std = {@link VarConfig#resolvedInitStd()}; every
 *       Linear bias 0;
 *   <li>{@code pos_start}, {@code pos_1LC}: trunc_normal(sqrt(1/(3C))) - drawn in the constructor,
 *       so independent of {@code initStd};
 *   <li>{@code head.weight} ×= initHead (when initHead ≥ 0); {@code head_nm.ada_lin.1.weight} ×=
 *       initAdaLN;
 *   <li>per block: {@code attn.proj.weight} and {@code ffn.fc2.weight} ÷= sqrt(2·depth); {@code
 *       ada_lin.1.weight} rows [0, 2C) (gamma1, gamma2) ×= initAdaLNGamma, rows [2C, 6C) ×=
 *       initAdaLN; shared AdaLN: {@code ada_gss} = randn/sqrt(C) with chunks 0-1 ×= initAdaLNGamma
 *       and chunks 2-5 ×= initAdaLN;
 *   <li>{@code q_bias} = {@code v_bias} = 0, {@code scale_mul_1H11} = ln 4.
 * </ul>
 */
public final class VarInit {
  private final VarConfig cfg;

  public VarInit(VarConfig cfg) {
    this.cfg = cfg;
  }

  /** Generic Linear weight / Embedding table. */
  public Init weight() {
    return Init.truncNormal(cfg.resolvedInitStd());
  }

  /** The weights of learned LayerNorms (models without AdaLN): ones, as PyTorch's LayerNorm. */
  public Init ones() {
    return Init.constant(1f);
  }

  /** Biases (and q_bias, v_bias). */
  public Init zeros() {
    return Init.zeros();
  }

  /** pos_start and pos_1LC: trunc_normal(sqrt(1/(3C))) as in the constructor. */
  public Init position() {
    return Init.truncNormal(Math.sqrt(1.0 / cfg.embedDim() / 3));
  }

  /**
   * head.weight: trunc_normal(std) × initHead (not scaled when initHead is negative, like the
   * official code).
   */
  public Init headWeight() {
    return cfg.initHead() >= 0 ? weight().scaled(cfg.initHead()) : weight();
  }

  /** head_nm.ada_lin.1.weight: trunc_normal(std) × initAdaLN. */
  public Init headNmAdaLinWeight() {
    return weight().scaled(cfg.initAdaLN());
  }

  /** attn.proj.weight and ffn.fc2.weight: trunc_normal(std) / sqrt(2·depth). */
  public Init residualOutWeight() {
    return weight().scaled(1.0 / Math.sqrt(2.0 * cfg.depth()));
  }

  /**
   * blocks.i.ada_lin.1.weight (6C, C): rows [0, 2C) × initAdaLNGamma, rows [2C, 6C) × initAdaLN.
   */
  public Init blockAdaLinWeight() {
    Init base = weight();
    int c = cfg.embedDim();
    return (shape, rng) -> {
      float[] v = base.sample(shape, rng);
      int in = (int) shape[1];
      for (int row = 0; row < shape[0]; row++) {
        double f = row < 2 * c ? cfg.initAdaLNGamma() : cfg.initAdaLN();
        for (int i = 0; i < in; i++) v[row * in + i] = (float) (v[row * in + i] * f);
      }
      return v;
    };
  }

  /**
   * blocks.i.ada_gss (1, 1, 6, C): randn / sqrt(C), chunks 0-1 × initAdaLNGamma, chunks 2-5 ×
   * initAdaLN.
   */
  public Init adaGss() {
    Init base = Init.normal(1.0 / Math.sqrt(cfg.embedDim()));
    int c = cfg.embedDim();
    return (shape, rng) -> {
      float[] v = base.sample(shape, rng);
      for (int j = 0; j < 6; j++) {
        double f = j < 2 ? cfg.initAdaLNGamma() : cfg.initAdaLN();
        for (int i = 0; i < c; i++) v[j * c + i] = (float) (v[j * c + i] * f);
      }
      return v;
    };
  }

  /** scale_mul_1H11: ln 4 (float32, as {@code torch.full(..., 4.0).log()}). */
  public Init scaleMul() {
    return Init.constant((float) Math.log(4.0));
  }
}
