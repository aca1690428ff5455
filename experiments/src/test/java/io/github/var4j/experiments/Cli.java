package io.github.var4j.experiments;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the var4j command line in this JVM, as {@code scripts/var4j} would, capturing stderr. */
final class Cli {
  private Cli() {}

  /** Exit status and what picocli and the error handlers printed. */
  record Result(int rc, String out, String err) {
    /** The lines of stderr that are not blank. */
    String[] errLines() {
      return err.lines().filter(l -> !l.isBlank()).toArray(String[]::new);
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int rc =
        Var4jCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(rc, out.toString(), err.toString());
  }
}
