package io.github.var4j.experiments;

/**
 * A mixin whose options can be judged on their own (ranges, names, the values that exclude each
 * other): {@link Var4jCommand} checks every such mixin of a command before the command runs, so a
 * command's {@code run} starts from valid options and checks only its own.
 */
interface CheckedArgs {
  /**
   * @throws UsageException naming the option as typed, if a value is out of range
   */
  void check();
}
