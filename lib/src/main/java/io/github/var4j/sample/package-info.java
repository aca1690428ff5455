/**
 * VAR inference (official {@code models/var.py autoregressive_infer_cfg}): {@link
 * io.github.var4j.sample.VarSampler} generates class-conditional images scale by scale with a KV
 * cache and classifier-free guidance in one unrolled graph; {@link io.github.var4j.sample.Sampling}
 * holds the official top-k/top-p masking, multinomial and more_smooth Gumbel-softmax; {@link
 * io.github.var4j.sample.ZeroShot} and {@link io.github.var4j.sample.Masks} do zero-shot
 * in-/out-painting and class-conditional editing (the figures of sampling live in the app layer);
 * {@link io.github.var4j.sample.RasterSampler} samples the raster-order baseline token by token;
 * both are {@link io.github.var4j.sample.ImageSampler}s.
 */
package io.github.var4j.sample;
