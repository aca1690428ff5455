package io.github.var4j.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * nn.Embedding(num, dim): parameter {@code <name>.weight} (num, dim). Lookup uses Gather on the
 * read value (ResourceGather has no gradient in TF Java).
 *
 * <p>apply: idx (...) int to (..., dim).
 */
public final class Embedding {
  public final int num;
  public final int dim;
  private final ParamStore ps;
  private final String name;

  public Embedding(ParamStore ps, String name, int num, int dim, Init init) {
    if (num <= 0 || dim <= 0)
      throw new IllegalArgumentException(name + ": sizes must be positive, got " + num + "x" + dim);
    this.ps = ps;
    this.name = name;
    this.num = num;
    this.dim = dim;
    ps.create(name + ".weight", new long[] {num, dim}, Layout.AS_IS, init);
  }

  /** PyTorch default: N(0, 1). */
  public Embedding(ParamStore ps, String name, int num, int dim) {
    this(ps, name, num, dim, Init.normal(1.0));
  }

  public Operand<TFloat32> weight() {
    return ps.get(name + ".weight");
  }

  public Operand<TFloat32> apply(Operand<? extends TNumber> idx) {
    return ps.tf().gather(weight(), idx, ps.tf().constant(0));
  }
}
