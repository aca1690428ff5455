package io.github.var4j.sample;

import io.github.var4j.transformer.VarModel;

/**
 * Which VAR computes each sampling step: the hook of collaborative decoding (CoDe), where a large
 * "drafter" VAR generates the coarse scales 1..s and a small "refiner" VAR the fine scales s+1..K.
 * The default is {@link #single}: one model for every step.
 *
 * <p>{@link SamplerGraph} keeps one KV cache per model (its own keys/values, from its own
 * embeddings, class embedding and blocks). A model that takes over at step s first reads the steps
 * before s that another model drew (their inputs follow from the drawn tokens alone), so its cache
 * holds the whole context; the loop itself is unchanged:
 *
 * <pre>
 * for step s:
 *   m = schedule.modelAt(s)
 *   for j in (steps m has cached) .. s-1:  _, cache_m = m.blocks(m.input(j), cache_m)   catch-up
 *   x, cache_m = m.blocks(m.input(s), cache_m);  logits = m.head(x)  ->  draw  ->  next input
 * </pre>
 *
 * A CoDe sampler, sketched: load both VARs into one graph ({@link SamplerModels#addVar}) and open
 * {@code VarSampler.of(models, ModelSchedule.handOff(models.var(), refiner, s),
 * TokenSelection.ALL)}. The models must share the tokenizer (vocabulary, Cvae, patch numbers) and
 * the classes; their widths and depths may differ.
 */
@FunctionalInterface
public interface ModelSchedule {
  /** The model that computes step s (0-based; next-scale: scale s). */
  VarModel modelAt(int step);

  /** One model for every step (the default). */
  static ModelSchedule single(VarModel model) {
    return step -> model;
  }

  /** {@code drafter} for the steps before {@code firstRefinerStep}, {@code refiner} from there. */
  static ModelSchedule handOff(VarModel drafter, VarModel refiner, int firstRefinerStep) {
    if (firstRefinerStep < 0)
      throw new IllegalArgumentException(
          "the refiner's first step must be >= 0, got " + firstRefinerStep);
    return step -> step < firstRefinerStep ? drafter : refiner;
  }
}
