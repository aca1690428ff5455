package io.github.var4j.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a training command puts the model it trains (a mixin): {@code --tag}, the name of its
 * results, figures and model, and {@code --out}, the model directory when given.
 */
final class TrainedModelArgs {
  @Mixin TagArgs tag = new TagArgs();

  @Option(names = "--out", paramLabel = "DIR")
  Path out;

  /** {@code --tag}, else the data set's tag. */
  String name(DataArgs data) {
    return tag.or(data.tag());
  }

  /**
   * {@code --out}, else {@code <out-dir>/models/<name>}: e.g. fmnist-tokenizer, or with {@code
   * --tag fmnist-raster} fmnist-tokenizer-raster ({@link OutputArgs#modelName}).
   */
  Path model(OutputArgs output, DataArgs data, String kind) {
    return output.model(out, OutputArgs.modelName(data.tag(), name(data), kind));
  }
}
