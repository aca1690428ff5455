package io.github.var4j.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of the library, checked on the sources: a package may import only packages of a
 * strictly lower layer (README, "Architecture"). Every package must have a layer, so a new package
 * has to be placed here on purpose.
 */
class LayeringTest {

  /** Layer of each package of {@code io.github.var4j}; lower layers never import higher ones. */
  static final Map<String, Integer> LAYER =
      Map.ofEntries(
          Map.entry("util", 0), // language helpers (builder checks, image-batch checks)
          Map.entry("io", 0), // file formats: npy, atomic writes, JSON
          Map.entry("data", 1), // data sets, batches (images in [-1, 1])
          Map.entry("nn", 1), // layers, parameters, checkpoints, the graph runtime
          Map.entry("scale", 1), // the scale schedule (patchNums, K, L, begin/end)
          Map.entry("stats", 1), // power-law fits, correlation, the compute frontier (Hipparchus)
          Map.entry("quant", 2), // the multi-scale residual quantizer
          Map.entry("transformer", 2), // the VAR transformer
          Map.entry("vae", 3), // the VQ-VAE tokenizer (uses quant)
          Map.entry("classifier", 3), // the CNN classifier of the sample-quality metrics
          Map.entry("optim", 3), // AdamW and learning-rate schedules
          Map.entry("store", 4), // model and run directories (configs + weights, checkpoints)
          Map.entry("train", 5), // trainers, losses, the token cache
          Map.entry("sample", 5), // KV-cached sampling, zero-shot editing
          Map.entry("viz", 6), // pictures, charts, tables
          Map.entry("pretrained", 6), // the released checkpoints of the official code
          Map.entry("eval", 7), // metrics and reports
          Map.entry("app", 8), // for the CLI and notebooks: model lookup, figures, quality table
          Map.entry("scaling", 9)); // the scaling-law study: family, sweep, fits, figures

  static final Pattern PKG =
      Pattern.compile("^package io\\.github\\.var4j\\.(\\w+)", Pattern.MULTILINE);
  static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?io\\.github\\.var4j\\.(\\w+)\\.", Pattern.MULTILINE);

  static Path mainSources() {
    return Path.of(System.getProperty("var4j.root", ".."))
        .resolve("lib/src/main/java/io/github/var4j");
  }

  @Test
  void noPackageImportsOneAbove() throws IOException {
    List<String> violations = new ArrayList<>();
    TreeSet<String> unplaced = new TreeSet<>();
    int files = 0;
    try (Stream<Path> s = Files.walk(mainSources())) {
      for (Path f : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String src = Files.readString(f);
        Matcher pm = PKG.matcher(src);
        if (!pm.find()) continue;
        files++;
        String pkg = pm.group(1);
        if (!LAYER.containsKey(pkg)) {
          unplaced.add(pkg);
          continue;
        }
        Matcher im = IMPORT.matcher(src);
        while (im.find()) {
          String dep = im.group(1);
          if (dep.equals(pkg)) continue;
          if (!LAYER.containsKey(dep)) {
            unplaced.add(dep);
          } else if (LAYER.get(dep) >= LAYER.get(pkg)) {
            violations.add(
                f.getFileName()
                    + " ("
                    + pkg
                    + ", layer "
                    + LAYER.get(pkg)
                    + ") imports "
                    + dep
                    + " (layer "
                    + LAYER.get(dep)
                    + ")");
          }
        }
      }
    }
    assertTrue(files > 50, "found only " + files + " sources under " + mainSources());
    assertEquals(new TreeSet<>(), unplaced, "packages without a layer");
    assertEquals(List.of(), violations, "imports of a package in the same or a higher layer");
  }

  @Test
  void everyPackageStatesItsRoleInPackageInfo() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> s = Files.list(mainSources())) {
      for (Path dir : (Iterable<Path>) s.filter(Files::isDirectory)::iterator) {
        if (!Files.isRegularFile(dir.resolve("package-info.java")))
          missing.add(dir.getFileName().toString());
      }
    }
    assertEquals(List.of(), missing, "packages without package-info.java");
  }

  @Test
  void oneMathLibrary() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Path root :
        List.of(
            mainSources(),
            mainSources().resolve("../../../../../../../experiments/src/main/java"))) {
      if (!Files.isDirectory(root)) continue;
      try (Stream<Path> s = Files.walk(root)) {
        for (Path f : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".java"))::iterator) {
          if (Files.readString(f).contains("import org.apache.commons.math3"))
            offenders.add(f.getFileName().toString());
        }
      }
    }
    assertEquals(List.of(), offenders, "commons-math3 imports: math goes through Hipparchus");
  }
}
