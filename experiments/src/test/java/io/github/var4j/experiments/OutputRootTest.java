package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands run with their output defaults write under {@code out/} of the working directory and
 * nowhere else: the committed {@code models/}, {@code experiments/results/} and {@code figures/}
 * are written only where the user names them. Each command runs in a fresh JVM whose working
 * directory is an empty folder (the inputs, tiny models, are given by absolute path).
 */
class OutputRootTest {
  @TempDir static Path dir;
  static TinyModels m;

  @BeforeAll
  static void models() throws IOException {
    m = TinyModels.write(dir.resolve("inputs"));
  }

  /** Runs {@code var4j args} in a new JVM in {@code cwd}, not in quick mode; returns its output. */
  static String runIn(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Var4jCli.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().remove("VAR4J_QUICK");
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", args) + ":\n" + out);
    return out;
  }

  /** Every file under {@code root}, relative to it. */
  static List<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void commandsWithDefaultsWriteUnderOutOnly() throws Exception {
    Path cwd = Files.createDirectories(dir.resolve("work"));
    runIn(
        cwd,
        "sample",
        "--tokenizer",
        m.tokenizer().toAbsolutePath().toString(),
        "--var",
        m.var().toAbsolutePath().toString(),
        "--data",
        m.data().toAbsolutePath().toString(),
        "--per-class",
        "1",
        "--cfg-sweep",
        "0",
        "--grid-top-k",
        "0",
        "--grid-top-p",
        "0",
        "--grid-samples",
        "1");
    runIn(cwd, "export-safetensors", "--var", m.var().toAbsolutePath().toString());
    runIn(
        cwd,
        "train-classifier",
        "--data",
        m.data().toAbsolutePath().toString(),
        "--image-size",
        "16",
        "--steps",
        "2",
        "--batch",
        "4");
    List<String> written = files(cwd);
    for (String f : written) assertTrue(f.startsWith("out/"), f + " is outside out/: " + written);
    for (String f :
        List.of(
            "out/figures/var-folder-samples.png",
            "out/figures/var-folder-token-maps.png",
            "out/safetensors/var.safetensors",
            "out/models/folder-classifier/config.json",
            "out/results/classifier-folder.csv"))
      assertTrue(written.contains(f), f + " not in " + written);
    assertTrue(
        written.stream().anyMatch(f -> f.startsWith("out/runs/classifier-folder/")),
        written.toString());
  }
}
