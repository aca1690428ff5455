/**
 * Small language helpers below every other layer: {@link io.github.var4j.util.RecordBuilders} (the
 * check that a configuration record's builder was given every component), {@link
 * io.github.var4j.util.ImageArrays} (checks of NHWC image batches). Imports nothing of var4j.
 */
package io.github.var4j.util;
