package io.github.var4j.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that point {@code sample} and {@code zero-shot} at official-format checkpoints
 * instead of var4j model directories (README, "Pretrained checkpoints").
 */
final class OfficialArgs {
  @Option(
      names = "--official",
      description =
          "use the released ImageNet models: a directory with vae_ch160v4096z32.pth and"
              + " var_d<depth>.pth")
  Path dir;

  @Option(
      names = "--official-vae",
      description = "an official-format VAE file (.pth or .safetensors), with --official-var")
  Path vae;

  @Option(
      names = "--official-var",
      description = "an official-format VAR file (.pth or .safetensors), with --official-vae")
  Path var;

  @Option(names = "--depth", description = "which var_d<depth>.pth (default: the smallest there)")
  Integer depth;

  @Option(
      names = "--patch-nums",
      split = ",",
      description =
          "scale schedule of the official-format files (default: the released 256-px one)")
  int[] patchNums;

  @Option(
      names = "--random-weights",
      description =
          "models of the official shapes (d16 unless --depth) with seeded random weights, for"
              + " timing without the files")
  boolean randomWeights;

  /** Whether any official source was given. */
  boolean given() {
    return dir != null || vae != null || var != null || randomWeights;
  }

  OfficialSample.Source source() {
    return new OfficialSample.Source(dir, vae, var, depth, patchNums, randomWeights);
  }
}
