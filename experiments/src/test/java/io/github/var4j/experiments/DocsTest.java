package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user documentation (README.md, docs/*.md, notebooks/README.md) links only to files and
 * sections that exist, and cites nothing a reader cannot follow: no internal issue numbers, no
 * documents outside the repository.
 */
class DocsTest {
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)[^)]*\\)");
  private static final Pattern IMG_SRC = Pattern.compile("<img[^>]*\\ssrc=\"([^\"]+)\"");
  private static final Pattern INTERNAL =
      Pattern.compile(
          "(?i)\\bissues?\\s*#?\\d+|VAR-SPEC|TFJAVA-FACTS|PAPER-NUMBERS|NOTEBOOKS-FACTS");

  private static Path root() {
    return Path.of(System.getProperty("var4j.root", ".."));
  }

  private static List<Path> docs() throws IOException {
    List<Path> out =
        new ArrayList<>(
            List.of(
                Path.of("README.md"),
                Path.of("notebooks/README.md"),
                Path.of("experiments/ablation/README.md")));
    try (Stream<Path> s = Files.list(root().resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md"))
          .sorted()
          .forEach(p -> out.add(root().relativize(p)));
    }
    return out;
  }

  @Test
  void noInternalReferences() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path doc : docs()) {
      List<String> lines = Files.readAllLines(root().resolve(doc));
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = INTERNAL.matcher(lines.get(i));
        while (m.find()) problems.add(doc + ":" + (i + 1) + ": '" + m.group() + "'");
      }
    }
    assertEquals(List.of(), problems, "name the feature or cite a file of this repository instead");
  }

  /**
   * The code, scripts and notebooks cite what a reader has too: no internal issue numbers (an issue
   * of another repository names that repository: "FoundationVision/VAR, GitHub issue #23"), no
   * documents outside the repository.
   */
  @Test
  void noInternalReferencesInCodeScriptsAndNotebooks() throws IOException {
    Pattern internal =
        Pattern.compile(
            "(?i)(?<!GitHub )\\bissues?\\s*#?\\d+|VAR-SPEC|TFJAVA-FACTS|PAPER-NUMBERS|NOTEBOOKS-FACTS");
    List<String> problems = new ArrayList<>();
    for (String dir : List.of("lib/src", "experiments/src", "scripts", "notebooks", ".ci")) {
      try (Stream<Path> s = Files.walk(root().resolve(dir))) {
        for (Path f :
            s.filter(Files::isRegularFile)
                .filter(p -> p.toString().matches(".*\\.(java|sh|ipynb|md|json|run)$|.*/run$"))
                .filter(p -> !p.getFileName().toString().equals("DocsTest.java"))
                .sorted()
                .toList()) {
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            Matcher m = internal.matcher(lines.get(i));
            while (m.find())
              problems.add(root().relativize(f) + ":" + (i + 1) + ": '" + m.group() + "'");
          }
        }
      }
    }
    assertEquals(List.of(), problems, "name the feature or cite a file of this repository instead");
  }

  @Test
  void relativeLinksResolve() throws IOException {
    List<String> problems = new ArrayList<>();
    Map<Path, Set<String>> anchors = new HashMap<>();
    for (Path doc : docs()) {
      List<String> lines = Files.readAllLines(root().resolve(doc));
      boolean fenced = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.strip().startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        if (fenced) continue;
        List<String> targets = new ArrayList<>();
        for (Pattern p : new Pattern[] {LINK, IMG_SRC}) {
          Matcher m = p.matcher(line);
          while (m.find()) targets.add(m.group(1));
        }
        for (String target : targets) {
          if (target.matches("(?i)(https?|mailto):.*")) continue;
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          String anchor = hash < 0 ? null : target.substring(hash + 1);
          Path docPath = root().resolve(doc);
          Path resolved = file.isEmpty() ? docPath : docPath.getParent().resolve(file);
          String where = doc + ":" + (i + 1) + ": " + target;
          if (!Files.exists(resolved)) {
            problems.add(where + ": no such file");
            continue;
          }
          if (anchor != null && resolved.toString().endsWith(".md")) {
            Set<String> known =
                anchors.computeIfAbsent(resolved.normalize(), DocsTest::headingAnchors);
            if (!known.contains(anchor)) problems.add(where + ": no such section");
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void anchorsAreGitHubs() {
    assertEquals("the-quality-table", slug("The quality table"));
    assertEquals(
        "the-yardstick-a-fashion-mnist-classifier",
        slug("The yardstick: a Fashion-MNIST classifier"));
    assertEquals("bad-input-and-exit-codes", slug("Bad input and `exit` codes"));
    assertEquals("gpu", slug("GPU"));
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
  static String slug(String heading) {
    String text =
        heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "").replace("*", "");
    return text.strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
        .replace(' ', '-');
  }

  private static Set<String> headingAnchors(Path md) {
    Set<String> out = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(md);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean fenced = false;
    for (String line : lines) {
      if (line.strip().startsWith("```")) fenced = !fenced;
      if (fenced || !line.matches("#{1,6} .*")) continue;
      String s = slug(line.replaceFirst("^#+ ", ""));
      int n = seen.merge(s, 1, Integer::sum);
      out.add(n == 1 ? s : s + "-" + (n - 1));
    }
    return out;
  }
}
