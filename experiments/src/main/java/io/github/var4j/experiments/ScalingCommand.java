package io.github.var4j.experiments;

import io.github.var4j.app.ScalingStudy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 8's scaling sweep: trains every depth of the model family on the same tokens (resumable:
 * finished sizes are skipped, an interrupted one continues from its checkpoint), then fits the
 * laws. Results in {@code experiments/results/scaling/}.
 */
@Command(
    name = "scaling",
    mixinStandardHelpOptions = true,
    description =
        "Scaling-law sweep: train each depth on the same tokens, evaluate at log-spaced steps, fit"
            + " L = (beta X)^alpha and L = E + (X0/X)^alpha against N and C; resumable.")
public final class ScalingCommand implements Callable<Integer> {
  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(
      names = "--depths",
      split = ",",
      description = "sizes of the family (default 1,2,3,4,5,6,7; quick mode 1,2,3)")
  int[] depths;

  @Option(names = "--steps", description = "steps of every size (default 1000; quick mode 12)")
  Long steps;

  @Option(names = "--batch", description = "images per step (default 64; quick mode 8)")
  Integer batch;

  @Option(
      names = "--eval-points",
      defaultValue = "10",
      description = "log-spaced test evaluations per size (default: ${DEFAULT-VALUE})")
  int evalPoints;

  @Option(
      names = "--tokenizer",
      defaultValue = "models/fmnist-tokenizer",
      description = "the frozen tokenizer (default: ${DEFAULT-VALUE})")
  Path tokenizer;

  @Option(names = "--fit-only", description = "only fit the result files there are")
  boolean fitOnly;

  @Override
  public Integer call() throws Exception {
    ScalingStudy study = new ScalingStudy(Path.of(""), Quick.enabled());
    if (!fitOnly) {
      study.train(
          dataArgs.load(),
          dataArgs.tag(),
          tokenizer,
          depths != null ? depths : study.defaultDepths(),
          study.base(steps, batch),
          evalPoints,
          System.out);
    }
    study.fitAndDraw(tokenizer, System.out);
    return 0;
  }
}
