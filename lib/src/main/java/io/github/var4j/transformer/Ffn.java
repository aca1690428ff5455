package io.github.var4j.transformer;

import io.github.var4j.nn.Act;
import io.github.var4j.nn.Linear;
import io.github.var4j.nn.ParamStore;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The block MLP ({@code basic_var.FFN}): {@code fc2(GELU_tanh(fc1(x)))}, hidden width round(C ·
 * mlpRatio). Parameters {@code <name>.fc1.weight/bias} (hidden, C) and {@code
 * <name>.fc2.weight/bias} (C, hidden).
 *
 * <p>apply: x (B, L, C) to (B, L, C).
 */
public final class Ffn {
  private final ParamStore ps;
  private final Linear fc1, fc2;

  public Ffn(ParamStore ps, String name, VarConfig cfg, VarInit init) {
    this.ps = ps;
    int c = cfg.embedDim(), h = cfg.hiddenDim();
    this.fc1 = new Linear(ps, name + ".fc1", c, h, true, init.weight(), init.zeros());
    this.fc2 = new Linear(ps, name + ".fc2", h, c, true, init.residualOutWeight(), init.zeros());
  }

  public Operand<TFloat32> apply(Operand<TFloat32> xBLC) {
    return fc2.apply(Act.geluTanh(ps.tf(), fc1.apply(xBLC)));
  }
}
