/**
 * Models and runs on disk. {@link io.github.var4j.store.ModelDir} is the one model-directory format
 * for every kind ({@link io.github.var4j.store.ModelKind}): {@code config.json} (format, kind, the
 * configuration record) plus one {@code <official name>.npy} per weight in PyTorch layout. Training
 * runs keep the same {@code config.json} beside their checkpoint and metrics.
 */
package io.github.var4j.store;
