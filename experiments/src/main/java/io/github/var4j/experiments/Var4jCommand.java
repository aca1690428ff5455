package io.github.var4j.experiments;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every var4j command shares: the standard {@code --help}/{@code --version} options, help that
 * shows every default, and its picocli spec (for the checks that ask whether an option was typed).
 * A command subclass gives its {@code name} in its own {@code @Command} and implements {@link
 * #run}; its description and the help text of its options are in the resource bundle {@code
 * CliHelp.properties} (see {@link Var4jCli}).
 */
@Command(mixinStandardHelpOptions = true, showDefaultValues = true)
abstract class Var4jCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /**
   * Checks the command's {@link CheckedArgs} mixins, nested ones too (in declaration order), then
   * runs it.
   */
  @Override
  public final Integer call() throws Exception {
    checkMixins(spec);
    return run();
  }

  private static void checkMixins(CommandSpec s) {
    for (CommandSpec mixin : s.mixins().values()) {
      if (mixin.userObject() instanceof CheckedArgs a) a.check();
      checkMixins(mixin);
    }
  }

  /**
   * The command itself, its mixins' options already checked.
   *
   * @return the exit code
   */
  abstract Integer run() throws Exception;
}
