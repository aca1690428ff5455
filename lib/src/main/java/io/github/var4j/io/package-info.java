/**
 * File formats only, the lowest layer: {@link io.github.var4j.io.Npy} (numpy {@code .npy} v1,
 * float32/int64, C order), {@link io.github.var4j.io.Json} (Jackson, configured once: missing or
 * unknown keys are errors) and {@link io.github.var4j.io.AtomicFiles} (temp file then rename, so a
 * killed run never leaves a torn file). Imports nothing of var4j.
 */
package io.github.var4j.io;
