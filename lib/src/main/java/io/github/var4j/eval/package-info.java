/**
 * Measurements and reports: tokenizer reconstruction quality and codebook usage ({@link
 * io.github.var4j.eval.TokenizerReport}), the curves and tables of a VAR training run ({@link
 * io.github.var4j.eval.VarReport}), and the sample-quality metrics on feature matrices ({@link
 * io.github.var4j.eval.Features}, (n, d) float64): FID ({@link io.github.var4j.eval.Fid} over
 * {@link io.github.var4j.eval.FeatureStats}: mean (d), covariance (d, d)), the Inception Score
 * analogue ({@link io.github.var4j.eval.InceptionScore}, class probabilities (n, C)), improved
 * precision and recall ({@link io.github.var4j.eval.PrecisionRecall}) and class accuracy ({@link
 * io.github.var4j.eval.ClassAccuracy}, scores (n, C) and labels (n)).
 */
package io.github.var4j.eval;
