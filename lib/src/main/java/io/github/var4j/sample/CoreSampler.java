package io.github.var4j.sample;

import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.util.List;

/**
 * What {@link VarSampler} and {@link RasterSampler} share: their models ({@link SamplerModels}) and
 * the runner of the one sampling loop ({@link SamplerRunner}); they differ in the token order of
 * their models and in the API around the loop.
 */
public abstract class CoreSampler implements ImageSampler {
  final SamplerModels m;
  final SamplerRunner runner;

  CoreSampler(SamplerModels m, ModelSchedule models, TokenSelection selection) {
    this.m = m;
    this.runner = new SamplerRunner(m, models, selection);
  }

  @Override
  public VarConfig varConfig() {
    return m.varCfg;
  }

  @Override
  public VqVaeConfig vaeConfig() {
    return m.vaeCfg;
  }

  /**
   * Checks labels of class-conditional sampling: not empty, each in [0, numClasses] (numClasses =
   * the null class).
   *
   * @throws IllegalArgumentException "label 12 is outside [0, 10]"
   */
  void checkLabels(int[] labels) {
    int numClasses = m.varCfg.numClasses();
    if (labels == null || labels.length == 0)
      throw new IllegalArgumentException("labels must not be empty");
    for (int lab : labels) {
      if (lab < 0 || lab > numClasses)
        throw new IllegalArgumentException("label " + lab + " is outside [0, " + numClasses + "]");
    }
  }

  /**
   * The tokens of one batch, not decoded: one graph run of all labels (no chunking), the tokens per
   * scale of the result, (B, pn²) each (one map in raster order). Drawn as the images of chunk 0
   * are; for timing the transformer's part of sampling.
   *
   * @throws IllegalArgumentException "label 12 is outside [0, 10]"
   */
  public synchronized List<int[]> sampleTokenMaps(int[] labels, SampleOptions opts) {
    checkLabels(labels);
    return runner.tokens(labels, opts);
  }

  @Override
  public synchronized void close() {
    m.close();
  }
}
