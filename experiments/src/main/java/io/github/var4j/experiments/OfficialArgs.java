package io.github.var4j.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that point {@code sample} and {@code zero-shot} at official-format checkpoints
 * instead of var4j model directories (README, "Pretrained checkpoints"), and the check that a
 * command line uses the options of one mode only.
 */
final class OfficialArgs {
  /** How the official sources are named in messages. */
  static final String SOURCES =
      "--official DIR, --official-vae with --official-var, or --random-weights";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--official", paramLabel = "DIR")
  Path dir;

  @Option(names = "--official-vae", paramLabel = "FILE")
  Path vae;

  @Option(names = "--official-var", paramLabel = "FILE")
  Path var;

  @Option(names = "--depth")
  Integer depth;

  @Option(names = "--patch-nums", split = ",")
  int[] patchNums;

  @Option(names = "--random-weights")
  boolean randomWeights;

  /** Whether any official source was given. */
  boolean given() {
    return dir != null || vae != null || var != null || randomWeights;
  }

  /**
   * Checks that the command line uses one mode: with an official source, none of {@code var4jOnly};
   * without, none of {@code officialOnly} nor this mixin's options. The official sources must not
   * be mixed, and their files must exist.
   */
  void checkMode(String[] var4jOnly, String... officialOnly) {
    if (given()) {
      for (String o : Check.givenOf(mixee, var4jOnly))
        throw new UsageException(o + " does not apply to the official models (" + SOURCES + ")");
      int sources =
          (dir != null ? 1 : 0) + (vae != null || var != null ? 1 : 0) + (randomWeights ? 1 : 0);
      Check.that(sources == 1, "give one of " + SOURCES);
      Check.that((vae == null) == (var == null), "--official-vae and --official-var go together");
      if (dir != null) Check.folder("--official", dir);
      if (vae != null) Check.file("--official-vae", vae);
      if (var != null) Check.file("--official-var", var);
      Check.that(
          depth == null || vae == null,
          "--depth does not apply to --official-vae/--official-var (their files fix the depth)");
      Check.that(
          patchNums == null || vae != null,
          "--patch-nums applies only to --official-vae/--official-var");
      if (depth != null) Check.positive("--depth", depth);
    } else {
      for (String o : Check.givenOf(mixee, officialOnly))
        throw new UsageException(o + " applies only to the official models (" + SOURCES + ")");
      for (String o : Check.givenOf(mixee, "--depth", "--patch-nums"))
        throw new UsageException(o + " applies only to the official models (" + SOURCES + ")");
    }
  }

  OfficialSample.Source source() {
    return new OfficialSample.Source(dir, vae, var, depth, patchNums, randomWeights);
  }
}
