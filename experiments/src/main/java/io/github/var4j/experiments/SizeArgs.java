package io.github.var4j.experiments;

import io.github.var4j.train.VarTrainConfig;
import picocli.CommandLine.Option;

/**
 * A transformer's size (a picocli mixin): {@code --depth}, {@code --width} and {@code --heads};
 * unset ones keep the command's defaults (its description says which). Width 0 is the official rule
 * C = 64·depth, heads 0 the rule's (depth at the official width, else width/64), as in {@link
 * VarTrainConfig}.
 */
final class SizeArgs implements CheckedArgs {
  @Option(names = "--depth")
  Integer depth;

  @Option(names = "--width")
  Integer width;

  @Option(names = "--heads")
  Integer heads;

  /** No defaults: the command's configuration keeps its size unless an option is given. */
  SizeArgs() {}

  /** Defaults shown in the help, e.g. the size a benchmark times. */
  SizeArgs(int depth, int width, int heads) {
    this.depth = depth;
    this.width = width;
    this.heads = heads;
  }

  /** Checks the values that were given. */
  @Override
  public void check() {
    if (depth != null) Check.positive("--depth", depth);
    if (width != null) Check.nonNegative("--width", width);
    if (heads != null) Check.nonNegative("--heads", heads);
    if (width != null && heads != null && width > 0 && heads > 0)
      Check.that(
          width % heads == 0,
          "--width " + width + " does not split into --heads " + heads + " heads");
  }

  /**
   * {@code base} with the given values: a new depth keeps the width and heads; a new width without
   * {@code --heads} takes the rule's heads.
   *
   * @throws UsageException naming the options if the width does not split into the heads
   */
  VarTrainConfig apply(VarTrainConfig base) {
    return resize(depth != null ? base.withDepth(depth) : base, width, heads);
  }

  /**
   * {@code c} with a new {@code --width} and {@code --heads} where given (null: unchanged); a new
   * width without heads takes the rule's heads. Also for commands whose depth comes otherwise
   * (bench-var's {@code --depths}).
   *
   * @throws UsageException naming the options if the width does not split into the heads
   */
  static VarTrainConfig resize(VarTrainConfig c, Integer width, Integer heads) {
    if (width == null && heads == null) return c;
    int w = width != null ? width : c.width(),
        h = heads != null ? heads : width != null ? 0 : c.heads();
    return Check.value("--width/--heads", () -> c.withWidth(w, h));
  }
}
