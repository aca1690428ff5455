/**
 * Graph-building blocks on TensorFlow Java: parameters in resource variables with PyTorch layouts
 * and official names ({@link io.github.var4j.nn.ParamStore}, {@link io.github.var4j.nn.StateDict}),
 * layers ({@code Conv2d} OIHW, {@code Linear} out×in, {@code GroupNorm}, {@code Embedding}), SaveV2
 * checkpoints ({@link io.github.var4j.nn.TfCheckpoint}) and the one graph runtime ({@link
 * io.github.var4j.nn.GraphRuntime}: graph + session, named feeds and fetches, chunking). Tensors
 * inside graphs are NHWC / (B, L, C).
 */
package io.github.var4j.nn;
