/**
 * The multi-scale VQ-VAE tokenizer (official {@code vqvae.py}, {@code basic_vae.py}): encoder,
 * decoder and the quantizer wired as {@link io.github.var4j.vae.VqVae}; {@link
 * io.github.var4j.vae.Tokenizer} runs it on Java arrays. Images (n, S, S, C) in [-1, 1] → latent f
 * (n, h, w, Cvae) → token maps r_1..r_K, each (n, pn_k²) ids in [0, V) → f̂ (n, h, w, Cvae) →
 * images.
 */
package io.github.var4j.vae;
