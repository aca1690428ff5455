package io.github.var4j.experiments;

import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import picocli.CommandLine.Option;

/**
 * The model variants of the VAR paper's Table 3 and beyond (a picocli mixin): {@code --raster} (the
 * raster-order baseline), {@code --rar} (its random-order training), {@code --no-adaln} and {@code
 * --no-l2-attention}.
 */
final class VariantArgs implements CheckedArgs {
  @Option(names = "--raster")
  boolean raster;

  @Option(names = "--rar")
  boolean rar;

  @Option(names = "--no-adaln")
  boolean noAdaLN;

  @Option(names = "--no-l2-attention")
  boolean noL2Attention;

  @Override
  public void check() {
    Check.that(!rar || raster, "--rar trains a raster-order model: give --raster with it");
  }

  /** {@code cfg} as the switches make it. */
  VarConfig apply(VarConfig cfg) {
    return cfg.withOrder(raster ? TokenOrder.RASTER : TokenOrder.NEXT_SCALE)
        .withAttnL2Norm(!noL2Attention)
        .withAdaLN(!noAdaLN)
        .withRandomOrder(rar);
  }
}
