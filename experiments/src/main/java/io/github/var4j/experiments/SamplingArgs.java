package io.github.var4j.experiments;

import io.github.var4j.sample.SampleOptions;
import picocli.CommandLine.Option;

/**
 * The sampling options of every command that samples (a picocli mixin): {@code --cfg}, {@code
 * --top-k}, {@code --top-p}, {@code --more-smooth}, {@code --seed}. Their defaults are {@link
 * SampleOptions#standard}, the setting of the committed sample-quality table.
 */
final class SamplingArgs {
  private static final SampleOptions STANDARD = SampleOptions.standard(0);

  @Option(names = "--cfg", description = "classifier-free guidance strength (0 = none)")
  double cfg = STANDARD.cfg();

  @Option(names = "--top-k", description = "sample among the k most likely tokens only (0 = off)")
  int topK = STANDARD.topK();

  @Option(
      names = "--top-p",
      description =
          "nucleus sampling: among the most likely tokens of this total probability (0 = off)")
  double topP = STANDARD.topP();

  @Option(
      names = "--more-smooth",
      description = "gumbel-softmax smoothing of the sampled tokens (for pictures only)")
  boolean moreSmooth = STANDARD.moreSmooth();

  @Option(names = "--seed", description = "sampling seed: the same seed gives the same images")
  long seed = STANDARD.seed();

  /** Checks the values. */
  void check() {
    Check.nonNegative("--cfg", cfg);
    Check.nonNegative("--top-k", topK);
    Check.inRange("--top-p", topP, 0, 1);
  }

  /** The options, checked. */
  SampleOptions options() {
    check();
    return SampleOptions.builder()
        .cfg(cfg)
        .topK(topK)
        .topP(topP)
        .moreSmooth(moreSmooth)
        .seed(seed)
        .greedy(false)
        .build();
  }
}
