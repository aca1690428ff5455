package io.github.var4j.transformer;

import io.github.var4j.nn.Act;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Linear;
import io.github.var4j.nn.ParamStore;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

/**
 * The adaptive LayerNorm before the classifier head ({@code basic_var.AdaLNBeforeHead}, named
 * {@code head_nm}): {@code scale, shift = ada_lin(cond).view(B, 1, 2, C)} (ORDER scale, shift),
 * output {@code LN(x)·(1+scale) + shift}. Parameters {@code head_nm.ada_lin.1.weight} (2C, C) and
 * {@code .bias}. Always conditioned on the raw class embedding cond_BD (also with shared AdaLN).
 * Without AdaLN ({@link VarConfig#adaLN()} false) a plain LayerNorm with learned {@code
 * head_nm.ln.weight} and {@code .bias}.
 */
public final class AdaLNBeforeHead {
  private final ParamStore ps;
  private final VarConfig cfg;
  private final Linear adaLin; // null without AdaLN
  private final String name;

  public AdaLNBeforeHead(ParamStore ps, String name, VarConfig cfg, VarInit init) {
    this.ps = ps;
    this.cfg = cfg;
    this.name = name;
    int c = cfg.embedDim();
    if (!cfg.adaLN()) { // plain LayerNorm with learned affine parameters
      ps.create(name + ".ln.weight", new long[] {c}, Layout.AS_IS, init.ones());
      ps.create(name + ".ln.bias", new long[] {c}, Layout.AS_IS, init.zeros());
      this.adaLin = null;
      return;
    }
    this.adaLin =
        new Linear(
            ps, name + ".ada_lin.1", c, 2 * c, true, init.headNmAdaLinWeight(), init.zeros());
  }

  /** x (B, L, C), cond (B, C) to (B, L, C). */
  public Operand<TFloat32> apply(Operand<TFloat32> xBLC, Operand<TFloat32> condBD) {
    Ops tf = ps.tf();
    int c = cfg.embedDim();
    if (adaLin == null) {
      return tf.math.add(
          tf.math.mul(Act.layerNorm(tf, xBLC, (float) cfg.normEps()), ps.get(name + ".ln.weight")),
          ps.get(name + ".ln.bias"));
    }
    Operand<TFloat32> ada =
        tf.reshape(adaLin.apply(Act.silu(tf, condBD)), tf.constant(new long[] {-1, 1, 2, c}));
    List<Output<TFloat32>> ch =
        tf.unstack(ada, 2L, Unstack.axis(2L)).output(); // scale, shift: (B, 1, C)
    Operand<TFloat32> ln = Act.layerNorm(tf, xBLC, (float) cfg.normEps());
    return tf.math.add(tf.math.mul(ln, tf.math.add(ch.get(0), tf.constant(1f))), ch.get(1));
  }
}
