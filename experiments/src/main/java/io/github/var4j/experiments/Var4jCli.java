package io.github.var4j.experiments;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The var4j experiments command line: reproducible runs that write results under {@code
 * experiments/results/} and figures under {@code figures/}. Run {@code scripts/var4j --help}.
 */
@Command(
    name = "var4j",
    mixinStandardHelpOptions = true,
    version = "var4j 0.1.0",
    description = "Reproducible VAR experiments (tokenizer, transformer, sampling, benchmarks).",
    subcommands = {
      TrainTokenizerCommand.class,
      TokenizerRecipesCommand.class,
      ScalingCommand.class,
      TrainClassifierCommand.class,
      EvalFidReferenceCommand.class,
      EvalTokenizerCommand.class,
      TrainVarCommand.class,
      BenchVarCommand.class,
      BenchSampleCommand.class,
      SampleCommand.class,
      SampleNpzCommand.class,
      EvalCommand.class,
      EvalTableCommand.class,
      ExportSafeTensorsCommand.class,
      ZeroShotCommand.class,
      SoakCommand.class
    })
public final class Var4jCli implements Runnable {
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Var4jCli()).execute(args));
  }
}
