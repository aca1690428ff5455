/**
 * The multi-scale residual quantizer of VAR (official {@code models/quant.py VectorQuantizer2}):
 * {@link io.github.var4j.quant.QuantizerConfig} (patch numbers, V, Cvae, beta, Phi sharing), {@link
 * io.github.var4j.quant.MultiScaleQuantizer} (encode f to token maps, f_hat from tokens, the VAR
 * teacher-forcing input, the autoregressive step, the VQ training loss), {@link
 * io.github.var4j.quant.PhiIndex} (which Phi serves each scale, with numpy's float64 ties), {@link
 * io.github.var4j.quant.Resampling} (PyTorch area/bicubic as matrices) and {@link
 * io.github.var4j.quant.CodebookUsage} (usage and perplexity per scale). Maps are NHWC.
 */
package io.github.var4j.quant;
