package io.github.var4j.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;

/**
 * The output options of a command that keeps a run and writes result files and figures (a picocli
 * mixin of mixins): {@code --out-dir} ({@link OutputArgs}), {@code --run-dir}, {@code --results}
 * and {@code --figures}, each place resolved against {@code --out-dir} unless named.
 */
final class RunOutputArgs {
  @Mixin OutputArgs output = new OutputArgs();

  @Mixin RunDirArgs runDir = new RunDirArgs();

  @Mixin ResultsArgs results = new ResultsArgs();

  @Mixin FiguresArgs figures = new FiguresArgs();

  /** {@code --results}, else {@code <out-dir>/results}. */
  Path results() {
    return output.results(results);
  }

  /** {@code --figures}, else {@code <out-dir>/figures}. */
  Path figures() {
    return output.figures(figures);
  }

  /** {@code --run-dir}, else {@code <out-dir>/runs/<name>}. */
  Path run(String name) {
    return output.run(runDir, name);
  }

  /** {@code explicit}, else {@code <out-dir>/models/<name>}. */
  Path model(Path explicit, String name) {
    return output.model(explicit, name);
  }
}
