package io.github.var4j.experiments;

import picocli.CommandLine.Option;

/**
 * The {@code --tag} option: the name of a command's result files, figures and model (a mixin). It
 * names files, so it is checked ({@link Check#tag}) before the command runs.
 */
final class TagArgs implements CheckedArgs {
  @Option(names = "--tag", paramLabel = "<tag>")
  String value;

  /** No default: {@link #or} supplies one (the data set's tag). */
  TagArgs() {}

  /**
   * @param defaultTag the default of {@code --tag}
   */
  TagArgs(String defaultTag) {
    this.value = defaultTag;
  }

  @Override
  public void check() {
    if (value != null) Check.tag(value);
  }

  /** {@code --tag}, else {@code dataTag}. */
  String or(String dataTag) {
    return value != null ? value : dataTag;
  }

  /** {@code --tag} (the command gave it a default). */
  String value() {
    return value;
  }
}
