package io.github.var4j.nn;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Copies between Java arrays and TF tensors in whole buffers (never element by element). Caller
 * closes tensors.
 */
public final class Tensors {
  private Tensors() {}

  public static TFloat32 of(float[] data, long... shape) {
    check(data.length, shape);
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  public static TInt32 ofInts(int[] data, long... shape) {
    check(data.length, shape);
    return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  public static TInt64 ofLongs(long[] data, long... shape) {
    check(data.length, shape);
    return TInt64.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  public static TBool ofBools(boolean[] data, long... shape) {
    check(data.length, shape);
    return TBool.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  public static float[] floats(Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[(int) f.shape().size()];
    f.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static double[] doubles(Tensor t) {
    TFloat64 f = (TFloat64) t;
    double[] out = new double[(int) f.shape().size()];
    f.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static int[] ints(Tensor t) {
    if (t instanceof TInt64 l) {
      long[] tmp = new long[(int) l.shape().size()];
      l.copyTo(DataBuffers.of(tmp, false, false));
      int[] out = new int[tmp.length];
      for (int i = 0; i < out.length; i++) out[i] = (int) tmp[i];
      return out;
    }
    TInt32 i = (TInt32) t;
    int[] out = new int[(int) i.shape().size()];
    i.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static HostTensor host(Tensor t) {
    return new HostTensor(t.shape().asArray(), floats(t));
  }

  private static void check(int n, long[] shape) {
    long m = 1;
    for (long d : shape) m *= d;
    if (m != n)
      throw new IllegalArgumentException(
          "shape " + java.util.Arrays.toString(shape) + " needs " + m + " values, got " + n);
  }
}
