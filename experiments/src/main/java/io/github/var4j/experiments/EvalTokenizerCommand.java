package io.github.var4j.experiments;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Evaluates an exported tokenizer on the test split and writes its results and figures. */
@Command(name = "eval-tokenizer")
public final class EvalTokenizerCommand extends Var4jCommand {

  @Mixin TokenizerArgs tokenizer = new TokenizerArgs();

  @Mixin DataArgs dataArgs = new DataArgs();

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Mixin TagArgs tag = new TagArgs();

  @Override
  Integer run() throws Exception {
    tokenizer.config();
    String t = tag.or(dataArgs.tag());
    TokenizerEvaluation.run(
        tokenizer.dir,
        dataArgs.load(),
        t,
        output.run("tokenizer-" + t),
        output.results(),
        output.figures());
    return 0;
  }
}
