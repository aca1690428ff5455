/**
 * Small language helpers below every other layer: {@link io.github.var4j.util.ImageArrays} (checks
 * of NHWC image batches) and {@link io.github.var4j.util.Require} (argument checks with one message
 * format). Imports nothing of var4j.
 */
package io.github.var4j.util;
