package io.github.var4j.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVMs for tests that need a process of their own (a real {@code kill -9}, a TF server per
 * task): the test's own class path, output to a log file. Tests kill them by their {@link Process}
 * handle only.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * Starts {@code main} with {@code args} in a new JVM (-Xmx1g, headless, TF logging at warnings),
   * stdout and stderr into {@code log}; {@code env} pairs (name, value) are added to the
   * environment unless already set.
   */
  public static Process start(Class<?> main, Path log, List<String> args, String... env)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.add("-Xmx1g");
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    for (int i = 0; i + 1 < env.length; i += 2) pb.environment().putIfAbsent(env[i], env[i + 1]);
    return pb.start();
  }

  /** The step of the last complete row of a metrics CSV ({@code step,...}), -1 before the first. */
  public static long lastStep(Path csv) throws IOException {
    if (!Files.exists(csv)) return -1;
    String text = Files.readString(csv, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    if (end < 0) return -1;
    int start = text.lastIndexOf('\n', end - 1) + 1;
    String row = text.substring(start, end);
    try {
      return Long.parseLong(row.substring(0, row.indexOf(',')));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      return -1; // the header
    }
  }
}
