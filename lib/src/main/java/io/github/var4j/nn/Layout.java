package io.github.var4j.nn;

/**
 * How a parameter's PyTorch (official state-dict) layout maps to the TensorFlow layout we compute
 * with. Conversion happens once, when values enter or leave the graph.
 */
public enum Layout {
  /** Same layout in both worlds (biases, norms, embeddings, positional tables). */
  AS_IS,
  /** nn.Linear weight: PyTorch (out, in) to TF (in, out). */
  LINEAR,
  /** nn.Conv2d weight: PyTorch OIHW (out, in, kh, kw) to TF HWIO (kh, kw, in, out). */
  CONV;

  /** TF shape for a PyTorch shape. */
  public long[] tfShape(long[] torch) {
    return switch (this) {
      case AS_IS -> torch.clone();
      case LINEAR -> new long[] {torch[1], torch[0]};
      case CONV -> new long[] {torch[2], torch[3], torch[1], torch[0]};
    };
  }

  /** Reorders values from PyTorch layout to TF layout. */
  public float[] toTf(float[] v, long[] torch) {
    int[] tfAt = tfIndex(torch);
    float[] r = new float[v.length];
    for (int i = 0; i < v.length; i++) r[tfAt[i]] = v[i];
    return r;
  }

  /** Reorders values from TF layout back to PyTorch layout. */
  public float[] toTorch(float[] v, long[] torch) {
    int[] tfAt = tfIndex(torch);
    float[] r = new float[v.length];
    for (int i = 0; i < v.length; i++) r[i] = v[tfAt[i]];
    return r;
  }

  /**
   * For every flat index of the PyTorch layout {@code torch}, the flat index of the same value in
   * the TF layout: LINEAR (out, in) to (in, out), CONV OIHW (o, in, kh, kw) to HWIO (kh, kw, in,
   * o).
   */
  private int[] tfIndex(long[] torch) {
    int n = 1;
    for (long d : torch) n *= (int) d;
    int[] at = new int[n];
    switch (this) {
      case AS_IS -> {
        for (int i = 0; i < n; i++) at[i] = i;
      }
      case LINEAR -> {
        int out = (int) torch[0], in = (int) torch[1];
        for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) at[o * in + i] = i * out + o;
      }
      case CONV -> {
        int o = (int) torch[0], in = (int) torch[1], kh = (int) torch[2], kw = (int) torch[3];
        for (int a = 0; a < o; a++)
          for (int b = 0; b < in; b++)
            for (int y = 0; y < kh; y++)
              for (int x = 0; x < kw; x++)
                at[((a * in + b) * kh + y) * kw + x] = ((y * kw + x) * in + b) * o + a;
      }
    }
    return at;
  }
}
