package io.github.var4j.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --run-dir} option of the commands that keep a run (a picocli mixin; {@link
 * OutputArgs#run(RunDirArgs, String)} resolves it against {@code --out-dir}).
 */
final class RunDirArgs {
  @Option(names = "--run-dir", paramLabel = "DIR")
  Path dir;
}
