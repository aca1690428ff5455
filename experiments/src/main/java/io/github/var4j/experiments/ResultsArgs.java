package io.github.var4j.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --results} option of the commands that write result files (a picocli mixin; {@link
 * OutputArgs#results(ResultsArgs)} resolves it against {@code --out-dir}).
 */
final class ResultsArgs {
  @Option(names = "--results", paramLabel = "DIR")
  Path dir;
}
