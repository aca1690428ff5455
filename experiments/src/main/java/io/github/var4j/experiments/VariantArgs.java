package io.github.var4j.experiments;

import io.github.var4j.train.RandomOrder;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import picocli.CommandLine.Option;

/**
 * The model variants of the VAR paper's Table 3 and beyond (a picocli mixin): {@code --raster} (the
 * raster-order baseline), {@code --rar} (its random-order training) with {@code --rar-anneal},
 * {@code --no-adaln} and {@code --no-l2-attention}.
 */
final class VariantArgs implements CheckedArgs {
  @Option(names = "--raster")
  boolean raster;

  @Option(names = "--rar")
  boolean rar;

  @Option(names = "--rar-anneal", split = ",", paramLabel = "START,END")
  double[] rarAnneal;

  @Option(names = "--no-adaln")
  boolean noAdaLN;

  @Option(names = "--no-l2-attention")
  boolean noL2Attention;

  @Override
  public void check() {
    Check.that(!rar || raster, "--rar trains a raster-order model: give --raster with it");
    if (rarAnneal != null) {
      Check.that(rar, "--rar-anneal sets the annealing of --rar: give --rar with it");
      Check.that(
          rarAnneal.length == 2,
          "--rar-anneal takes two fractions START,END, got " + rarAnneal.length + " values");
      Check.inRange("--rar-anneal", rarAnneal[0], 0, 1);
      Check.inRange("--rar-anneal", rarAnneal[1], 0, 1);
      Check.that(rarAnneal[0] <= rarAnneal[1], "--rar-anneal must end no earlier than it starts");
    }
  }

  /** {@code cfg} with the annealing of {@code --rar-anneal}, if given. */
  VarTrainConfig apply(VarTrainConfig cfg) {
    return rarAnneal == null
        ? cfg
        : cfg.withRarAnneal(new RandomOrder.Anneal(rarAnneal[0], rarAnneal[1]));
  }

  /** {@code cfg} as the switches make it. */
  VarConfig apply(VarConfig cfg) {
    return cfg.withOrder(raster ? TokenOrder.RASTER : TokenOrder.NEXT_SCALE)
        .withAttnL2Norm(!noL2Attention)
        .withAdaLN(!noAdaLN)
        .withRandomOrder(rar);
  }
}
