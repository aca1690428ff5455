package io.github.var4j.experiments;

import io.github.var4j.sample.SampleOptions;
import picocli.CommandLine.Option;

/**
 * The sampling options of every command that samples (a picocli mixin): {@code --cfg}, {@code
 * --top-k}, {@code --top-p}, {@code --more-smooth}, {@code --seed}. Their defaults are {@link
 * SampleOptions#standard}, the setting of the committed sample-quality table.
 */
final class SamplingArgs implements CheckedArgs {
  private static final SampleOptions STANDARD = SampleOptions.standard(0);

  @Option(names = "--cfg")
  double cfg = STANDARD.cfg();

  @Option(names = "--top-k")
  int topK = STANDARD.topK();

  @Option(names = "--top-p")
  double topP = STANDARD.topP();

  @Option(names = "--more-smooth")
  boolean moreSmooth = STANDARD.moreSmooth();

  @Option(names = "--seed")
  long seed = STANDARD.seed();

  /** Checks the values. */
  @Override
  public void check() {
    Check.nonNegative("--cfg", cfg);
    Check.nonNegative("--top-k", topK);
    Check.inRange("--top-p", topP, 0, 1);
  }

  /** The options (checked before the command runs, as every {@link CheckedArgs}). */
  SampleOptions options() {
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
