/**
 * The VAR next-scale transformer: an exact port of the official {@code models/var.py} and {@code
 * models/basic_var.py} forward pass as TF Java graph builders.
 *
 * <ul>
 *   <li>{@link io.github.var4j.transformer.VarConfig}: hyper-parameters, the one-knob rule {@code
 *       ofDepth}, derived quantities (L, K, first_l, begin/ends, lvl, parameter count);
 *   <li>{@link io.github.var4j.transformer.VarModel}: registers every parameter under its official
 *       state-dict name with the official initialisation ({@link
 *       io.github.var4j.transformer.VarInit}) and builds the teacher-forcing forward (logits (B, L,
 *       V) plus the per-block captures used by the parity tests);
 *   <li>{@link io.github.var4j.transformer.AdaLNSelfAttn} (block), {@link
 *       io.github.var4j.transformer.SelfAttention}, both with an optional {@link
 *       io.github.var4j.transformer.KvCache} (one forward for training and cached inference),
 *       {@link io.github.var4j.transformer.Ffn}, {@link
 *       io.github.var4j.transformer.AdaLNBeforeHead}, {@link io.github.var4j.transformer.DropPath},
 *       {@link io.github.var4j.transformer.AttentionMask} (block-causal mask);
 *   <li>{@link io.github.var4j.transformer.TokenOrder}: next-scale or raster, and so the mask, the
 *       teacher-forcing input and the steps of sampling;
 *   <li>{@link io.github.var4j.transformer.VarInputs}: Java-side checks for labels, teacher-forcing
 *       input and targets.
 * </ul>
 *
 * Training pieces (loss, schedule, training graph) live in {@code io.github.var4j.train}.
 */
package io.github.var4j.transformer;
