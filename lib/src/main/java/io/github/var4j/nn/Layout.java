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
    switch (this) {
      case AS_IS:
        return v.clone();
      case LINEAR:
        {
          int out = (int) torch[0], in = (int) torch[1];
          float[] r = new float[v.length];
          for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) r[i * out + o] = v[o * in + i];
          return r;
        }
      default:
        {
          int o = (int) torch[0], in = (int) torch[1], kh = (int) torch[2], kw = (int) torch[3];
          float[] r = new float[v.length];
          for (int a = 0; a < o; a++)
            for (int b = 0; b < in; b++)
              for (int y = 0; y < kh; y++)
                for (int x = 0; x < kw; x++)
                  r[((y * kw + x) * in + b) * o + a] = v[((a * in + b) * kh + y) * kw + x];
          return r;
        }
    }
  }

  /** Reorders values from TF layout back to PyTorch layout. */
  public float[] toTorch(float[] v, long[] torch) {
    switch (this) {
      case AS_IS:
        return v.clone();
      case LINEAR:
        {
          int out = (int) torch[0], in = (int) torch[1];
          float[] r = new float[v.length];
          for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) r[o * in + i] = v[i * out + o];
          return r;
        }
      default:
        {
          int o = (int) torch[0], in = (int) torch[1], kh = (int) torch[2], kw = (int) torch[3];
          float[] r = new float[v.length];
          for (int a = 0; a < o; a++)
            for (int b = 0; b < in; b++)
              for (int y = 0; y < kh; y++)
                for (int x = 0; x < kw; x++)
                  r[((a * in + b) * kh + y) * kw + x] = v[((y * kw + x) * in + b) * o + a];
          return r;
        }
    }
  }
}
