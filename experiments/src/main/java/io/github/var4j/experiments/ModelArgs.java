package io.github.var4j.experiments;

import io.github.var4j.sample.VarSampler;
import io.github.var4j.store.ModelKind;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --var} and {@code --tokenizer} options of every command that samples or loads a VAR (a
 * picocli mixin); the defaults are the committed Fashion-MNIST models. The checks read only the
 * models' {@code config.json}, so they run before anything is loaded.
 */
final class ModelArgs {
  /** The committed default VAR. */
  static final String DEFAULT_VAR = "models/fmnist-var";

  /** The committed default tokenizer. */
  static final String DEFAULT_TOKENIZER = "models/fmnist-tokenizer";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--var", paramLabel = "DIR")
  Path var = Path.of(DEFAULT_VAR);

  @Option(names = "--tokenizer", paramLabel = "DIR")
  Path tokenizer = Path.of(DEFAULT_TOKENIZER);

  boolean varGiven() {
    return Check.given(mixee, "--var");
  }

  boolean tokenizerGiven() {
    return Check.given(mixee, "--tokenizer");
  }

  /** The VAR's configuration; a usage error if {@code --var} holds no VAR. */
  VarConfig varConfig() throws IOException {
    return Check.model(
        "--var",
        var,
        ModelKind.VAR,
        varGiven(),
        "scripts/var4j train-var --out " + OutputArgs.defaultRoot().resolve("models/fmnist-var"));
  }

  /** The tokenizer's configuration; a usage error if {@code --tokenizer} holds no tokenizer. */
  VqVaeConfig tokenizerConfig() throws IOException {
    return Check.model(
        "--tokenizer",
        tokenizer,
        ModelKind.TOKENIZER,
        tokenizerGiven(),
        "scripts/var4j train-tokenizer --out "
            + OutputArgs.defaultRoot().resolve("models/fmnist-tokenizer"));
  }

  /** Both configurations, checked to fit together (vocabulary, channels, scales). */
  VarConfig check() throws IOException {
    VarConfig v = varConfig();
    VqVaeConfig t = tokenizerConfig();
    try {
      VarSampler.checkAgree(v, t);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--var " + var + " and --tokenizer " + tokenizer + " do not fit: " + e.getMessage());
    }
    return v;
  }
}
