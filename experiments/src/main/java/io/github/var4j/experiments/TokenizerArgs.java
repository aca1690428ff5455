package io.github.var4j.experiments;

import io.github.var4j.store.ModelKind;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --tokenizer} option of the commands that work on a trained tokenizer alone (a picocli
 * mixin; {@link ModelArgs} holds it beside {@code --var}).
 */
final class TokenizerArgs {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--tokenizer", paramLabel = "DIR")
  Path dir = Path.of(ModelArgs.DEFAULT_TOKENIZER);

  /** Its configuration; a usage error if {@code --tokenizer} holds no tokenizer. */
  VqVaeConfig config() throws IOException {
    return Check.model(
        "--tokenizer",
        dir,
        ModelKind.TOKENIZER,
        Check.given(mixee, "--tokenizer"),
        "scripts/var4j train-tokenizer");
  }
}
