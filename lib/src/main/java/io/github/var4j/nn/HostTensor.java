package io.github.var4j.nn;

import java.util.Arrays;

/**
 * A float array with a shape, living on the Java heap (row-major). Used for state dicts and fetched
 * results.
 */
public record HostTensor(long[] shape, float[] data) {
  public HostTensor {
    if (Init.numel(shape) != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " needs "
              + Init.numel(shape)
              + " values, got "
              + data.length);
    }
  }

  public int numel() {
    return data.length;
  }

  @Override
  public String toString() {
    return "HostTensor" + Arrays.toString(shape);
  }
}
