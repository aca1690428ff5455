package io.github.var4j.app;

import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.TokenPruning;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A row of a {@link QualityTable} to evaluate: a model and its tokenizer, sampled with some
 * options; optionally with collaborative decoding (CoDe), where the model drafts the first scales
 * and a second model, the refiner, draws the scales from {@code refinerFrom} on, or with token
 * pruning at the fine scales (FastVAR, {@link TokenPruning}).
 *
 * @param name row name, unique in the table (its key), e.g. "VAR + CFG"
 * @param model exported transformer directory (next-scale or raster); with a refiner, the drafter
 * @param tokenizer its tokenizer (the refiner's too)
 * @param opts cfg, top-k, top-p and the seed
 * @param rejection candidates per image for classifier rejection sampling (1 = none)
 * @param refiner the refiner's directory, or null for none
 * @param refinerFrom the first step (0-based scale) the refiner draws; -1 without a refiner
 * @param pruning token pruning of the (drafter's) fine scales, or null for none
 */
public record QualityRow(
    String name,
    Path model,
    Path tokenizer,
    SampleOptions opts,
    int rejection,
    Path refiner,
    int refinerFrom,
    TokenPruning pruning) {
  public QualityRow {
    if (name == null || name.isBlank() || name.contains(",") || name.contains("\""))
      throw new IllegalArgumentException(
          "a row name must be non-empty, without commas or quotes: " + name);
    if (rejection < 1)
      throw new IllegalArgumentException("rejection must be >= 1 candidates, got " + rejection);
    if (refiner == null ? refinerFrom != -1 : refinerFrom < 1)
      throw new IllegalArgumentException(
          refiner == null
              ? "refinerFrom must be -1 without a refiner, got " + refinerFrom
              : "the refiner's first step must be >= 1 (the drafter draws step 0), got "
                  + refinerFrom);
  }

  /** A row of one model, without a refiner. */
  public QualityRow(String name, Path model, Path tokenizer, SampleOptions opts, int rejection) {
    this(name, model, tokenizer, opts, rejection, null, -1, null);
  }

  /** This row with a refiner that draws the steps from {@code from} on (collaborative decoding). */
  public QualityRow withRefiner(Path dir, int from) {
    return new QualityRow(name, model, tokenizer, opts, rejection, dir, from, pruning);
  }

  /** This row with token pruning at the fine scales ({@link TokenPruning}). */
  public QualityRow withPruning(TokenPruning p) {
    return new QualityRow(name, model, tokenizer, opts, rejection, refiner, refinerFrom, p);
  }

  /** This row sampled with other options. */
  public QualityRow withOpts(SampleOptions o) {
    return new QualityRow(name, model, tokenizer, o, rejection, refiner, refinerFrom, pruning);
  }

  /** A file-name form of the name. */
  public String slug() {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-|-$)", "");
  }
}
