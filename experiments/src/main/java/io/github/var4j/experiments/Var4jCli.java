package io.github.var4j.experiments;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The var4j experiments command line: reproducible runs that write their models, runs, results and
 * figures under {@code out/} unless told where. Run {@code scripts/var4j --help}.
 *
 * <p>Errors are one line on stderr, {@code var4j: error: <message>}, with exit status 2 for a
 * command line that cannot run as given (an unknown option, a bad value, options that conflict or
 * do not apply, a path that does not exist or holds the wrong thing) and 1 for a run that failed;
 * {@code --verbose} adds the Java stack trace.
 *
 * <p>The help text is in the resource bundle {@code io/github/var4j/experiments/CliHelp.properties}
 * (picocli's usage-help bundle): an option's description under its longest name without dashes
 * ({@code cfg}), or under {@code var4j.<command>.<name>} where a command's option means something
 * of its own; a command's description under {@code var4j.<command>.usage.description}. The
 * declarations in the command classes then read as a list of names, types and defaults.
 */
@Command(
    name = "var4j",
    resourceBundle = "io.github.var4j.experiments.CliHelp",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    version = "var4j 0.1.0",
    subcommands = {
      TrainTokenizerCommand.class,
      TokenizerRecipesCommand.class,
      ScalingCommand.class,
      TrainClassifierCommand.class,
      EvalFidReferenceCommand.class,
      EvalTokenizerCommand.class,
      TrainVarCommand.class,
      BenchVarCommand.class,
      BenchSampleCommand.class,
      BenchComplexityCommand.class,
      EvalAblationCommand.class,
      EvalCodeCommand.class,
      EvalPruningCommand.class,
      BenchFasterCommand.class,
      SampleCommand.class,
      SampleNpzCommand.class,
      EvalCommand.class,
      EvalTableCommand.class,
      CompareCommand.class,
      ExportSafeTensorsCommand.class,
      ZeroShotCommand.class,
      SoakCommand.class
    })
public final class Var4jCli implements Runnable {
  /** Exit status of a command line that cannot run as given. */
  static final int USAGE = 2;

  /** Exit status of a run that failed. */
  static final int FAILED = 1;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT)
  boolean verbose;

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** The command line with its error handling: one line per error, exit status 2 or 1. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Var4jCli());
    cl.setParameterExceptionHandler(Var4jCli::badUsage);
    cl.setExecutionExceptionHandler(Var4jCli::failed);
    return cl;
  }

  public static void main(String[] args) {
    int rc;
    try {
      rc = commandLine().execute(args);
    } catch (Throwable t) { // an Error out of a command (e.g. out of memory)
      System.err.println(line(t));
      if (Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose"))
        t.printStackTrace();
      rc = FAILED;
    }
    System.exit(rc);
  }

  /** An unknown option, a value that does not convert, a missing required option. */
  private static int badUsage(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String help = cmd.getCommandSpec().qualifiedName() + " --help";
    err.println(line(e) + " (" + help + " lists the options)");
    if (Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose"))
      e.printStackTrace(err);
    err.flush();
    return USAGE;
  }

  /** An exception out of a command: a {@link UsageException} (status 2) or a failed run (1). */
  private static int failed(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    err.println(line(e));
    if (verbose(parsed)) e.printStackTrace(err);
    err.flush();
    return e instanceof UsageException ? USAGE : FAILED;
  }

  /** Whether {@code --verbose} was given to any command of the chain. */
  private static boolean verbose(ParseResult pr) {
    for (ParseResult p = pr; p != null; p = p.subcommand())
      if (p.hasMatchedOption("--verbose")) return true;
    return false;
  }

  /** {@code var4j: error: <message>}, on one line. */
  static String line(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.getClass().getSimpleName();
      if (t.getCause() != null && t.getCause().getMessage() != null)
        m += ": " + t.getCause().getMessage();
    }
    return "var4j: error: " + m.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
