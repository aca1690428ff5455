/**
 * Measurements and reports: tokenizer reconstruction quality and codebook usage ({@link
 * io.github.var4j.eval.TokenizerReport}) and the curves and tables of a VAR training run ({@link
 * io.github.var4j.eval.VarReport}).
 */
package io.github.var4j.eval;
