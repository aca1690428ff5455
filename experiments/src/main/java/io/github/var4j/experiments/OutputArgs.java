package io.github.var4j.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --out-dir} option of every command that writes (a picocli mixin): the root under which
 * a command writes {@code DIR/models/<name>}, {@code DIR/runs/<name>}, {@code DIR/results/} and
 * {@code DIR/figures/}, unless {@code --out}, {@code --run-dir}, {@code --results} or {@code
 * --figures} name a place. The default, {@code out} ({@code out/quick} in quick mode), is ignored
 * by git: the committed artefacts ({@code models/}, {@code experiments/results/}, {@code figures/})
 * are written only where the user names them.
 */
final class OutputArgs {
  @Option(names = "--out-dir", paramLabel = "DIR")
  Path outDir;

  /** The root: {@code --out-dir}, else {@link #defaultRoot()}. */
  Path root() {
    return outDir != null ? outDir : defaultRoot();
  }

  /** {@code out}, in quick mode {@code out/quick}. */
  static Path defaultRoot() {
    return Quick.enabled() ? Path.of("out", "quick") : Path.of("out");
  }

  /** {@code --results}, else {@code <root>/results}. */
  Path results(ResultsArgs explicit) {
    return explicit.dir != null ? explicit.dir : root().resolve("results");
  }

  /** {@code --figures}, else {@code <root>/figures}. */
  Path figures(FiguresArgs explicit) {
    return explicit.dir != null ? explicit.dir : root().resolve("figures");
  }

  /** {@code --run-dir}, else {@code <root>/runs/<name>}. */
  Path run(RunDirArgs explicit, String name) {
    return explicit.dir != null ? explicit.dir : root().resolve("runs").resolve(name);
  }

  /** {@code explicit}, else {@code <root>/models/<name>}. */
  Path model(Path explicit, String name) {
    return explicit != null ? explicit : root().resolve("models").resolve(name);
  }

  /** {@code explicit}, else {@code <root>/<dir>/<name>}. */
  Path file(Path explicit, String dir, String name) {
    return explicit != null ? explicit : root().resolve(dir).resolve(name);
  }

  /**
   * The directory name of a model of {@code kind} with result tag {@code tag}, as the committed
   * models are named: the kind after the data set's tag ({@code fmnist-tokenizer}, {@code
   * fmnist-tokenizer-raster} for tag {@code fmnist-raster}), else after the tag.
   */
  static String modelName(String dataTag, String tag, String kind) {
    return tag.startsWith(dataTag)
        ? dataTag + "-" + kind + tag.substring(dataTag.length())
        : tag + "-" + kind;
  }
}
