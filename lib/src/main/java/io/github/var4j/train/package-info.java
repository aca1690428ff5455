/**
 * Training: one loop, {@link io.github.var4j.train.TrainingLoop}, runs every model (resume,
 * batches, NaN guard, per-step and per-evaluation CSVs, atomic checkpoints, progress); a trainer
 * supplies a {@link io.github.var4j.train.Trainee} (its graph, its step, its metric names) and
 * optionally an evaluation. The trainers: {@link io.github.var4j.train.TokenizerTrainer} (L1 + L2 +
 * VQ loss, optional perceptual loss and PatchGAN), {@link io.github.var4j.train.VarTrainer}
 * (teacher forcing on cached token maps, {@link io.github.var4j.train.TokenCache}, cross-entropy
 * over all L tokens, {@link io.github.var4j.train.VarLoss}) and {@link
 * io.github.var4j.train.ClassifierTrainer}.
 */
package io.github.var4j.train;
