package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.sample.SampleOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One voice: the options that several commands share have the same names and defaults (those of
 * {@link SampleOptions#standard} for sampling), every option says what it is and shows its default,
 * every command that writes has {@code --out-dir}, and no command class uses another.
 */
class CliConsistencyTest {
  static Map<String, CommandSpec> commands() {
    Map<String, CommandSpec> m = new TreeMap<>();
    for (Map.Entry<String, CommandLine> e : Var4jCli.commandLine().getSubcommands().entrySet())
      m.put(e.getKey(), e.getValue().getCommandSpec());
    return m;
  }

  /**
   * The default as the help shows it (the defaultValue annotation, else the field's value), or null
   * when there is none.
   */
  static String shownDefault(OptionSpec o) {
    return o.defaultValue() != null || o.initialValue() != null ? o.defaultValueString() : null;
  }

  @Test
  void sharedOptionsHaveOneDefaultEverywhere() {
    SampleOptions std = SampleOptions.standard(0);
    Map<String, String> expected =
        Map.of(
            "--cfg", "1.5",
            "--top-k", "100",
            "--top-p", "0.96",
            "--seed", "0",
            "--var", ModelArgs.DEFAULT_VAR,
            "--data", "fashion-mnist");
    assertEquals(String.valueOf(std.cfg()), expected.get("--cfg"));
    assertEquals(String.valueOf(std.topK()), expected.get("--top-k"));
    assertEquals(String.valueOf(std.topP()), expected.get("--top-p"));
    int sampling = 0;
    for (Map.Entry<String, CommandSpec> c : commands().entrySet()) {
      for (Map.Entry<String, String> e : expected.entrySet()) {
        OptionSpec o = c.getValue().findOption(e.getKey());
        if (o != null) assertEquals(e.getValue(), shownDefault(o), c.getKey() + " " + e.getKey());
      }
      OptionSpec tok = c.getValue().findOption("--tokenizer");
      if (tok != null && shownDefault(tok) != null && !tok.isMultiValue())
        assertEquals(ModelArgs.DEFAULT_TOKENIZER, shownDefault(tok), c.getKey());
      if (c.getValue().findOption("--cfg") != null) {
        sampling++;
        for (String o : new String[] {"--top-k", "--top-p", "--more-smooth", "--seed"})
          assertNotNull(c.getValue().findOption(o), c.getKey() + " has --cfg but not " + o);
      }
    }
    assertTrue(sampling >= 6, "sampling commands: " + sampling);
  }

  @Test
  void everyCommandThatSamplesOrLoadsAVarHasBothMixins() {
    for (String name :
        List.of(
            "sample",
            "sample-npz",
            "zero-shot",
            "eval-table",
            "bench-sample",
            "export-safetensors")) {
      CommandSpec c = commands().get(name);
      assertNotNull(c.findOption("--var"), name);
      assertNotNull(c.findOption("--tokenizer"), name);
      assertFalse(c.findOption("--model") != null, name + " still has --model");
    }
    for (String name : List.of("sample", "sample-npz", "zero-shot", "eval-table", "bench-sample"))
      assertNotNull(commands().get(name).findOption("--cfg"), name);
  }

  /** How a description states a default that picocli cannot show (quick mode, none, computed). */
  static final Pattern SAYS_DEFAULT = Pattern.compile("\\(default|default:|; default");

  @Test
  void everyOptionSaysWhatItIsAndShowsItsDefault() {
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, CommandSpec> c : commands().entrySet()) {
      assertTrue(
          c.getValue().usageMessage().showDefaultValues(), c.getKey() + ": showDefaultValues");
      for (OptionSpec o : c.getValue().options()) {
        String d = String.join(" ", o.description()).strip();
        String name = c.getKey() + " " + o.longestName();
        if (d.isEmpty()) bad.add(name + ": no description");
        boolean flag = o.arity().max() == 0;
        boolean hasDefault = shownDefault(o) != null;
        if (!flag && !o.required() && !hasDefault && !SAYS_DEFAULT.matcher(d).find())
          bad.add(name + ": neither a default value nor '(default ...' / 'default: ...'");
        if (d.contains("${DEFAULT-VALUE}") || d.matches(".*\\(default:? [^;)]*\\).*") && hasDefault)
          bad.add(name + ": repeats its default in the description (the help shows it)");
      }
    }
    assertTrue(bad.isEmpty(), String.join("\n", bad));
  }

  /**
   * The help text lives in the resource bundle {@code CliHelp.properties}: every entry there is the
   * description of an option or a command that exists (a renamed option or command leaves no stale
   * text behind), and every command has its own description.
   */
  @Test
  void everyHelpEntryBelongsToAnOptionOrCommand() {
    java.util.ResourceBundle help =
        java.util.ResourceBundle.getBundle("io.github.var4j.experiments.CliHelp");
    java.util.Set<String> used = new java.util.HashSet<>();
    used.add("var4j.usage.description");
    for (OptionSpec o : Var4jCli.commandLine().getCommandSpec().options())
      used.add(o.longestName().replaceFirst("^-+", ""));
    for (Map.Entry<String, CommandSpec> c : commands().entrySet()) {
      String q = "var4j." + c.getKey() + ".";
      assertTrue(help.containsKey(q + "usage.description"), c.getKey() + " has no description");
      used.add(q + "usage.description");
      for (OptionSpec o : c.getValue().options()) {
        String key = o.longestName().replaceFirst("^-+", "");
        used.add(help.containsKey(q + key) ? q + key : key);
      }
    }
    List<String> stale = new ArrayList<>();
    for (String k : java.util.Collections.list(help.getKeys())) if (!used.contains(k)) stale.add(k);
    assertEquals(List.of(), stale, "CliHelp.properties entries of no option or command");
  }

  @Test
  void everyCommandAcceptsVerbose() {
    for (Map.Entry<String, CommandSpec> c : commands().entrySet())
      assertNotNull(c.getValue().findOption("--verbose"), c.getKey());
  }

  @Test
  void everyCommandThatWritesHasOutDir() {
    for (Map.Entry<String, CommandSpec> c : commands().entrySet()) {
      if (c.getKey().equals("soak")) continue; // its run directory is temporary unless named
      boolean writes = false;
      for (String o : new String[] {"--out", "--run-dir", "--results", "--figures"})
        writes |= c.getValue().findOption(o) != null;
      if (writes) assertNotNull(c.getValue().findOption("--out-dir"), c.getKey());
    }
  }

  /** Command classes share helpers (CommandSupport, the mixins), never each other. */
  @Test
  void noCommandClassUsesAnother() throws IOException {
    Path src =
        Path.of(System.getProperty("var4j.root", ".."))
            .resolve("experiments/src/main/java/io/github/var4j/experiments");
    List<String> names = new ArrayList<>();
    for (CommandSpec c : commands().values()) names.add(c.userObject().getClass().getSimpleName());
    assertTrue(names.size() >= 16, names.toString());
    List<String> bad = new ArrayList<>();
    for (String n : names) {
      String text = Files.readString(src.resolve(n + ".java"));
      for (String other : names) {
        if (!other.equals(n) && Pattern.compile("\\b" + other + "\\b").matcher(text).find())
          bad.add(n + " uses " + other);
      }
    }
    for (String helper : List.of("CommandSupport", "TokenizerEvaluation", "OfficialSample")) {
      String text = Files.readString(src.resolve(helper + ".java"));
      for (String other : names)
        if (Pattern.compile("\\b" + other + "\\b").matcher(text).find())
          bad.add(helper + " uses " + other);
    }
    assertTrue(bad.isEmpty(), String.join("\n", bad));
  }
}
