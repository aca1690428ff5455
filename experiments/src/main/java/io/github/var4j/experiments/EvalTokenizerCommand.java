package io.github.var4j.experiments;

import io.github.var4j.store.ModelKind;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Evaluates an exported tokenizer on the test split and writes its results and figures. */
@Command(
    name = "eval-tokenizer",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = "Test PSNR, codebook usage per scale and figures of a trained tokenizer.")
public final class EvalTokenizerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--tokenizer",
      paramLabel = "DIR",
      description = "the tokenizer model directory to evaluate")
  Path tokenizer = Path.of(ModelArgs.DEFAULT_TOKENIZER);

  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(
      names = "--tag",
      description = "name of the result files and figures (default: the data set's, e.g. fmnist)")
  String tag;

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin ResultsArgs results = new ResultsArgs();

  @Mixin FiguresArgs figures = new FiguresArgs();

  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      description =
          "the run that trained the tokenizer, for the training curves (skipped if it has none);"
              + " default: <out-dir>/runs/tokenizer-<tag>")
  Path runDir;

  @Override
  public Integer call() throws Exception {
    dataArgs.check();
    Check.model(
        "--tokenizer",
        tokenizer,
        ModelKind.TOKENIZER,
        Check.given(spec, "--tokenizer"),
        "scripts/var4j train-tokenizer");
    String t = tag != null ? tag : dataArgs.tag();
    TokenizerEvaluation.run(
        tokenizer,
        dataArgs.load(),
        t,
        output.run(runDir, "tokenizer-" + t),
        output.results(results),
        output.figures(figures));
    return 0;
  }
}
