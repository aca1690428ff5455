/**
 * Training loops: {@link io.github.var4j.train.TokenizerTrainer} (L1 + L2 + VQ loss, optional
 * PatchGAN) and {@link io.github.var4j.train.VarTrainer} (teacher forcing on cached token maps,
 * {@link io.github.var4j.train.TokenCache}, cross-entropy over all L tokens, {@link
 * io.github.var4j.train.VarLoss}). Both checkpoint atomically, resume, write per-step and
 * per-evaluation CSVs and stop on a non-finite loss.
 */
package io.github.var4j.train;
