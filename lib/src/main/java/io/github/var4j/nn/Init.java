package io.github.var4j.nn;

import java.util.SplittableRandom;

/**
 * A parameter initializer. It produces values in the PyTorch layout of the parameter (the official
 * shape), drawn from a generator seeded per parameter name, so initial weights do not depend on
 * construction order.
 */
@FunctionalInterface
public interface Init {
  float[] sample(long[] torchShape, SplittableRandom rng);

  static int numel(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return Math.toIntExact(n);
  }

  static Init zeros() {
    return (s, r) -> new float[numel(s)];
  }

  static Init constant(float value) {
    return (s, r) -> {
      float[] v = new float[numel(s)];
      java.util.Arrays.fill(v, value);
      return v;
    };
  }

  /** Uniform on [-bound, bound]. */
  static Init uniform(double bound) {
    return (s, r) -> {
      float[] v = new float[numel(s)];
      for (int i = 0; i < v.length; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
      return v;
    };
  }

  /**
   * PyTorch's default for nn.Linear / nn.Conv2d weights and biases: U(-1/sqrt(fanIn),
   * 1/sqrt(fanIn)).
   */
  static Init torchDefault(long fanIn) {
    return uniform(1.0 / Math.sqrt(fanIn));
  }

  /** Normal(0, std). */
  static Init normal(double std) {
    return (s, r) -> {
      float[] v = new float[numel(s)];
      for (int i = 0; i < v.length; i++) v[i] = (float) (gaussian(r) * std);
      return v;
    };
  }

  /**
   * PyTorch {@code trunc_normal_(std=std)} with its default ABSOLUTE bounds [-2, 2] (not ±2σ;
   * official {@code models/var.py init_weights}).
   */
  static Init truncNormal(double std) {
    return (s, r) -> {
      float[] v = new float[numel(s)];
      for (int i = 0; i < v.length; i++) {
        double x;
        do {
          x = gaussian(r) * std;
        } while (x < -2 || x > 2);
        v[i] = (float) x;
      }
      return v;
    };
  }

  /** This initializer's values multiplied by {@code factor}. */
  default Init scaled(double factor) {
    return (s, r) -> {
      float[] v = sample(s, r);
      for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] * factor);
      return v;
    };
  }

  static double gaussian(SplittableRandom r) {
    double u1 = r.nextDouble(), u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
