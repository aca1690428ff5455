/**
 * VAR inference (official {@code models/var.py autoregressive_infer_cfg}): {@link
 * io.github.var4j.sample.VarSampler} generates class-conditional images scale by scale with a KV
 * cache and classifier-free guidance in one unrolled graph; {@link
 * io.github.var4j.sample.RasterSampler} samples the raster-order baseline token by token; both are
 * {@link io.github.var4j.sample.ImageSampler}s over one sampling core, in which only the token
 * order differs:
 *
 * <ul>
 *   <li>{@link io.github.var4j.sample.SamplerModels}: the weights (VAR, VQ-VAE) in one graph;
 *   <li>{@link io.github.var4j.sample.SamplerGraph}: the unrolled loop of steps (cache, logits,
 *       guidance, draw, next input); {@link io.github.var4j.sample.StepDraw}: one step's token
 *       choice; {@link io.github.var4j.sample.SamplingOrder}: what the order decides (steps,
 *       guidance ratio, seeds, the latent f̂);
 *   <li>{@link io.github.var4j.sample.SamplerRunner}: feeds, chunks, fetches, {@link
 *       io.github.var4j.sample.SampleResult}, {@link io.github.var4j.sample.SampleTrace};
 *   <li>hooks: {@link io.github.var4j.sample.ModelSchedule} (which VAR runs which step) and {@link
 *       io.github.var4j.sample.TokenSelection} (which tokens a step computes; {@link
 *       io.github.var4j.sample.TokenPruning}: FastVAR's token pruning at the fine scales).
 * </ul>
 *
 * {@link io.github.var4j.sample.Sampling} holds the official top-k/top-p masking, the
 * thread-independent draw and more_smooth Gumbel-softmax; {@link io.github.var4j.sample.ZeroShot}
 * and {@link io.github.var4j.sample.Masks} do zero-shot in-/out-painting and class-conditional
 * editing (the figures of sampling live in the app layer).
 */
package io.github.var4j.sample;
