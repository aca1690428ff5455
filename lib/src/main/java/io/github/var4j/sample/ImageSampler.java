package io.github.var4j.sample;

import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;

/**
 * A class-conditional image generator: the VAR ({@link VarSampler}) or the raster-order baseline
 * ({@link RasterSampler}), so that evaluations and benchmarks treat both alike.
 */
public interface ImageSampler extends AutoCloseable {
  /**
   * Generates one image per label.
   *
   * @param labels class labels in [0, numClasses] (numClasses = the null class)
   * @param opts cfg, top-k, top-p and seed: the same options and labels give the same images
   * @return images (n, S, S, channels) in [0, 1], row-major
   */
  float[] images(int[] labels, SampleOptions opts);

  /** The transformer's configuration. */
  VarConfig varConfig();

  /** The tokenizer's configuration (image size and channels). */
  VqVaeConfig vaeConfig();

  /** Sequential transformer steps per image: K for VAR, pn² for the raster baseline. */
  default int numSteps() {
    return varConfig().numSteps();
  }

  @Override
  void close();
}
