package io.github.var4j.experiments;

import io.github.var4j.store.ModelKind;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Evaluates an exported tokenizer on the test split and writes its results and figures. */
@Command(name = "eval-tokenizer")
public final class EvalTokenizerCommand extends Var4jCommand {

  @Option(names = "--tokenizer", paramLabel = "DIR")
  Path tokenizer = Path.of(ModelArgs.DEFAULT_TOKENIZER);

  @Mixin DataArgs dataArgs = new DataArgs();

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Mixin TagArgs tag = new TagArgs();

  @Override
  public Integer call() throws Exception {
    dataArgs.check();
    Check.model(
        "--tokenizer",
        tokenizer,
        ModelKind.TOKENIZER,
        Check.given(spec, "--tokenizer"),
        "scripts/var4j train-tokenizer");
    String t = tag.or(dataArgs.tag());
    TokenizerEvaluation.run(
        tokenizer,
        dataArgs.load(),
        t,
        output.run("tokenizer-" + t),
        output.results(),
        output.figures());
    return 0;
  }
}
