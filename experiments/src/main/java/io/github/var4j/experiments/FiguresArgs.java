package io.github.var4j.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --figures} option of the commands that draw figures (a picocli mixin; {@link
 * OutputArgs#figures(FiguresArgs)} resolves it against {@code --out-dir}).
 */
final class FiguresArgs {
  @Option(names = "--figures", paramLabel = "DIR")
  Path dir;
}
