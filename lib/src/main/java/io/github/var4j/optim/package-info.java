/**
 * Optimisation: {@link io.github.var4j.optim.AdamW} as graph ops over a {@code ParamStore}
 * (official parameter groups, decoupled weight decay, global-norm clipping; its slots are
 * variables, so they checkpoint with the model) and the learning-rate and weight-decay schedules of
 * the official trainer ({@link io.github.var4j.optim.LrSchedule}: linear warm-up, then {@code lin0}
 * / cosine).
 */
package io.github.var4j.optim;
