package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code scripts/var4j ...} command that the documentation (README.md, docs/*.md,
 * notebooks/README.md) and the scripts (scripts/*.sh) show is one the CLI accepts: its command and
 * options exist and its values convert. The commands are parsed, not run.
 */
class DocCommandsTest {
  private static Path root() {
    return Path.of(System.getProperty("var4j.root", ".."));
  }

  /** The files whose command lines are checked. */
  private static List<Path> files() throws IOException {
    List<Path> out = new ArrayList<>(List.of(root().resolve("README.md")));
    out.add(root().resolve("notebooks/README.md"));
    out.add(root().resolve("experiments/ablation/README.md"));
    for (String dir : List.of("docs", "scripts")) {
      try (Stream<Path> s = Files.list(root().resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".sh"))
            .sorted()
            .forEach(out::add);
      }
    }
    return out;
  }

  /**
   * The argument lists of the {@code scripts/var4j} calls in a file: in Markdown, the lines of code
   * blocks and the inline code spans; in a shell script, the lines that are not comments.
   * Continuation lines are joined, quotes removed, and a call ends at a comment, a pipe, a
   * redirection or {@code ;}/{@code &&}. Calls with placeholders ({@code COMMAND}, {@code $CMD},
   * {@code …}) are illustrations and left out.
   */
  static List<List<String>> calls(String text, boolean markdown) {
    List<String> snippets = new ArrayList<>();
    String joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    boolean fence = false;
    for (String line : joined.split("\n")) {
      if (markdown && line.trim().startsWith("```")) {
        fence = !fence;
        continue;
      }
      if (!markdown || fence) {
        if (!line.trim().startsWith("#")) snippets.add(line);
      } else {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([^`]+)`").matcher(line);
        while (m.find()) snippets.add(m.group(1));
      }
    }
    List<List<String>> out = new ArrayList<>();
    for (String line : snippets) {
      int at = line.indexOf("scripts/var4j ");
      while (at >= 0) {
        String rest = line.substring(at + "scripts/var4j ".length());
        List<String> args = new ArrayList<>();
        for (String tok : tokens(rest)) {
          if (tok.startsWith("#")) break;
          if (tok.matches("\\||&&|;|>|>>|2>&1|&|\\)")) break;
          args.add(tok);
        }
        boolean illustration =
            args.isEmpty()
                || args.get(0).startsWith("$")
                || args.get(0).equals(args.get(0).toUpperCase(java.util.Locale.ROOT))
                    && !args.get(0).startsWith("-")
                || args.stream()
                    .anyMatch(t -> t.contains("…") || t.contains("<") || t.equals("..."));
        if (!illustration) out.add(args);
        at = line.indexOf("scripts/var4j ", at + 1);
      }
    }
    return out;
  }

  /** Shell words: quotes removed ("${X[@]}" and $X kept as placeholders). */
  private static List<String> tokens(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (char c : s.toCharArray()) {
      if (quote != 0) {
        if (c == quote) quote = 0;
        else cur.append(c);
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (Character.isWhitespace(c)) {
        if (cur.length() > 0) out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) out.add(cur.toString());
    return out;
  }

  @Test
  void everyDocumentedCommandParses() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path f : files()) {
      for (List<String> args : calls(Files.readString(f), f.toString().endsWith(".md"))) {
        // "${T[@]}" stands for options defined in the script: drop them, check the rest
        List<String> a =
            args.stream().filter(t -> !t.startsWith("${") && !t.startsWith("$@")).toList();
        try {
          Var4jCli.commandLine().parseArgs(a.toArray(String[]::new));
          checked++;
        } catch (CommandLine.ParameterException e) {
          problems.add(
              root().relativize(f)
                  + ": scripts/var4j "
                  + String.join(" ", args)
                  + ": "
                  + e.getMessage());
        }
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(checked >= 20, "only " + checked + " documented commands found");
    System.out.println("documented scripts/var4j commands that parse: " + checked);
  }

  @Test
  void theExtractorFindsCommandsAndTheParserRefusesAWrongOne() {
    List<List<String>> c =
        calls(
            "run `scripts/var4j sample --cfg 3` now, not scripts/var4j prose\n"
                + "```bash\nscripts/var4j train-var --steps 10 \\\n    --out x  # comment\n"
                + "scripts/var4j sample --bogus 1 | tee log\n"
                + "scripts/var4j COMMAND --help\n```\n",
            true);
    assertEquals(
        List.of(
            List.of("sample", "--cfg", "3"),
            List.of("train-var", "--steps", "10", "--out", "x"),
            List.of("sample", "--bogus", "1")),
        c);
    assertThrows(
        CommandLine.ParameterException.class,
        () -> Var4jCli.commandLine().parseArgs(c.get(2).toArray(String[]::new)));
    assertFalse(calls("no command here", true).iterator().hasNext());
  }
}
