/**
 * The scaling-law study (the paper's Figs. 5, 6 and 7): the model family with one knob ({@link
 * io.github.var4j.scaling.ScalingFamily}), the resumable sweep over its sizes and the fits ({@link
 * io.github.var4j.scaling.ScalingSweep}), the figures ({@link
 * io.github.var4j.scaling.ScalingFigures}) and the study that the {@code scaling} command and
 * notebook 04 run ({@link io.github.var4j.scaling.ScalingStudy}). The statistics themselves (power
 * laws, the irreducible term, the compute frontier) are in {@code stats}.
 */
package io.github.var4j.scaling;
