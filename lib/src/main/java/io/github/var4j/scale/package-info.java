/**
 * The scale schedule of next-scale prediction ({@link io.github.var4j.scale.ScaleSchedule}): the
 * sides pn_1..pn_K of the token maps r_1..r_K, and what follows from them (K, L = Σ pn_k², the
 * token range of each scale, the scale of each token). Imports nothing of var4j.
 */
package io.github.var4j.scale;
