/**
 * Pictures, charts and tables for var4j (pure Java, no TensorFlow): float NHWC images to {@code
 * BufferedImage} ({@link io.github.var4j.viz.Images}), grids ({@link
 * io.github.var4j.viz.ImageGrid}), token maps coloured by a PCA of the codebook ({@link
 * io.github.var4j.viz.TokenMapColors}, {@link io.github.var4j.viz.TokenMapView}), coarse-to-fine
 * strips ({@link io.github.var4j.viz.CoarseToFine}), XChart helpers ({@link
 * io.github.var4j.viz.Charts}), Tablesaw tables with an HTML renderer ({@link
 * io.github.var4j.viz.Tables}) and the block-causal attention mask ({@link
 * io.github.var4j.viz.AttentionMaskView}). All pictures are {@code TYPE_INT_RGB}, scaled with
 * nearest neighbour, on a white background.
 */
package io.github.var4j.viz;
