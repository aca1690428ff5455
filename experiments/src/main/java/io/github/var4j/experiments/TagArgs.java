package io.github.var4j.experiments;

import picocli.CommandLine.Option;

/** The {@code --tag} option: the name of a command's result files, figures and model (a mixin). */
final class TagArgs {
  @Option(names = "--tag")
  String value;

  /** {@code --tag}, else {@code dataTag}. */
  String or(String dataTag) {
    return value != null ? value : dataTag;
  }
}
