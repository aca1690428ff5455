/**
 * Statistics of the scaling-law experiments: the power law L = (β·X)^α fitted in log–log space, the
 * law with an irreducible term L = E + (X₀/X)^α fitted by Levenberg–Marquardt, Pearson correlation
 * and the compute frontier. Built on Hipparchus; depends on no other var4j package.
 */
package io.github.var4j.stats;
