package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error contract of the command line: one line {@code var4j: error: <message>} on stderr, exit
 * status 2 for a command line that cannot run as given and 1 for a run that failed, the Java stack
 * trace only with {@code --verbose}; messages name the options as typed, and inputs are checked
 * before any model is loaded.
 */
class CliErrorsTest {
  @TempDir static Path dir;
  static TinyModels m;

  /** A model directory whose config.json is not JSON: loading it fails (a failed run). */
  static Path corrupt;

  @BeforeAll
  static void fixtures() throws IOException {
    m = TinyModels.write(dir);
    corrupt = dir.resolve("corrupt");
    Files.createDirectories(corrupt);
    Files.writeString(corrupt.resolve("config.json"), "{ not json");
  }

  /** Exit status {@code rc} and exactly the one line {@code var4j: error: message}. */
  static void fails(int rc, String message, String... args) {
    Cli.Result r = Cli.run(args);
    assertEquals(rc, r.rc(), r.err());
    assertEquals("var4j: error: " + message, String.join("\n", r.errLines()));
  }

  /** Exit status {@code rc} and one error line that contains {@code part}. */
  static String failsWith(int rc, String part, String... args) {
    Cli.Result r = Cli.run(args);
    assertEquals(rc, r.rc(), r.err());
    String[] lines = r.errLines();
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].startsWith("var4j: error: "), lines[0]);
    assertTrue(lines[0].contains(part), lines[0]);
    return lines[0];
  }

  /**
   * The faster-sampling evaluations need next-scale VARs: a raster model (the committed Table 3 AR
   * row, under the repository root {@code var4j.root}) is refused with one usage line before
   * anything is sampled.
   */
  @Test
  void theFasterSamplingEvaluationsRefuseARasterModel() {
    Path models = Path.of(System.getProperty("var4j.root", "..")).resolve("models");
    String ar = models.resolve("fmnist-table3-ar").toString();
    String tok = models.resolve("fmnist-tokenizer-raster-perceptual").toString();
    String cls = models.resolve("fmnist-classifier").toString();
    for (String cmd : new String[] {"eval-pruning", "eval-code"}) {
      List<String> args =
          new ArrayList<>(List.of(cmd, "--var", ar, "--tokenizer", tok, "--classifier", cls));
      if (cmd.equals("eval-code")) args.addAll(List.of("--refiner", ar));
      fails(
          2,
          "--var " + ar + " is a raster-order model: " + cmd + " needs a next-scale VAR",
          args.toArray(String[]::new));
    }
  }

  @Test
  void badValuesAreUsageErrorsNamedAsTyped() {
    fails(2, "--batch must be >= 1, got -8", "train-var", "--batch", "-8");
    fails(2, "--rar trains a raster-order model: give --raster with it", "train-var", "--rar");
    fails(
        2,
        "--rar-anneal sets the annealing of --rar: give --rar with it",
        "train-var",
        "--raster",
        "--rar-anneal",
        "0.25,0.5");
    fails(
        2,
        "--rar-anneal takes two fractions START,END, got 3 values",
        "train-var",
        "--raster",
        "--rar",
        "--rar-anneal",
        "0.1,0.2,0.3");
    fails(
        2,
        "--rar-anneal must be in [0, 1], got 1.5",
        "train-var",
        "--raster",
        "--rar",
        "--rar-anneal",
        "0.5,1.5");
    fails(
        2,
        "--rar-anneal must end no earlier than it starts",
        "train-var",
        "--raster",
        "--rar",
        "--rar-anneal",
        "0.75,0.5");
    fails(
        2,
        "--width 100 does not split into --heads 3 heads",
        "soak",
        "--width",
        "100",
        "--heads",
        "3");
    fails(2, "--batch must be >= 1, got 0", "sample-npz", "--batch", "0");
    fails(2, "--top-p must be in [0, 1], got 2", "sample", "--top-p", "2");
    fails(2, "--cfg must be >= 0, got -1", "zero-shot", "--cfg", "-1");
    fails(
        2,
        "--only must be table, cfg, topk or all; got everything",
        "eval-table",
        "--only",
        "everything");
    failsWith(2, "'--batch'", "train-var", "--batch", "many");
    failsWith(2, "Unknown option: '--bogus'", "sample", "--bogus");
    failsWith(2, "'--model'", "sample-npz", "--model", "models/fmnist-var");
  }

  /**
   * The faster-sampling benchmark checks its settings before it builds any model (a d16 would take
   * half a minute): keep fractions, switch scales and pruned scales against the schedule of --side.
   */
  @Test
  void fasterSamplingSettingsAreCheckedFirst() {
    fails(2, "--keep must be in (0, 1], got 0", "bench-faster", "--keep", "0");
    fails(2, "--keep must be in (0, 1], got 1.5", "bench-faster", "--keep", "1,1.5");
    fails(
        2,
        "--switch-scales must be a scale in [2, 11), got 1",
        "bench-faster",
        "--switch-scales",
        "1");
    fails(
        2,
        "--pruned-scales must be a scale count in [1, 7), got 7",
        "bench-faster",
        "--side",
        "8",
        "--pruned-scales",
        "7");
    failsWith(2, "--side: ", "bench-faster", "--side", "12");
    fails(2, "--tag may hold letters, digits, '.', '_', '-'", "bench-faster", "--tag", "a/b");
    fails(2, "--warmup must be >= 1, got 0", "bench-faster", "--warmup", "0");
    fails(2, "--repeats must be >= 1, got 0", "bench-faster", "--repeats", "0");
  }

  /**
   * {@code --tag} names files, so every command that takes it refuses a path in it before any work,
   * the training commands too (their tag names the run and the model directory).
   */
  @Test
  void everyTagIsCheckedBeforeAnyWork() {
    String message = "--tag may hold letters, digits, '.', '_', '-'";
    for (List<String> command :
        List.of(
            List.of("train-tokenizer"),
            List.of("train-classifier"),
            List.of("eval-tokenizer"),
            List.of("bench-complexity"),
            List.of("eval-ablation", "--rows", "rows.csv"),
            List.of("eval-code", "--refiner", "refiner"),
            List.of("eval-pruning"))) {
      List<String> args = new ArrayList<>(command);
      args.addAll(List.of("--tag", "../x"));
      fails(2, message, args.toArray(String[]::new));
    }
    fails(2, message, "sample", "--random-weights", "--tag", "a b");
  }

  /**
   * A row of an ablation whose model is not trained yet: an error naming the row, or with {@code
   * --trained-only} skipped, except the first row, which the table is relative to.
   */
  @Test
  void anAblationRowWithoutModelIsNamed() throws IOException {
    Path untrained = dir.resolve("untrained"), rowsFile = dir.resolve("rows.csv");
    Files.writeString(
        rowsFile,
        "name,model,tokenizer,cfg,top_k,top_p,train_steps,train_batch\n"
            + ("A," + untrained + "," + m.tokenizer() + ",0,0,0,10,4\n")
            + ("B," + m.var() + "," + m.tokenizer() + ",0,0,0,10,4\n"));
    String cls =
        Path.of(System.getProperty("var4j.root", ".."))
            .resolve("models/fmnist-classifier")
            .toString();
    fails(
        2,
        "--rows "
            + rowsFile
            + ": the first row 'A' is the table's reference and has no model yet at "
            + untrained,
        "eval-ablation",
        "--rows",
        rowsFile.toString(),
        "--classifier",
        cls,
        "--trained-only");
    failsWith(
        2,
        "--rows " + rowsFile + ", row 'A', model",
        "eval-ablation",
        "--rows",
        rowsFile.toString(),
        "--classifier",
        cls);
  }

  @Test
  void benchmarkTimingsAreChecked() {
    fails(2, "--warmup must be >= 1, got 0", "bench-complexity", "--warmup", "0");
    fails(2, "--warmup must be >= 0, got -1", "bench-sample", "--warmup", "-1");
    fails(2, "--repeats must be >= 1, got 0", "bench-sample", "--repeats", "0");
  }

  @Test
  void aGivenModelDirectoryWithoutModelIsNamed() {
    Path nope = dir.resolve("nope");
    fails(
        2,
        "--var " + nope + ": no VAR model there (no config.json)",
        "sample",
        "--tokenizer",
        m.tokenizer().toString(),
        "--var",
        nope.toString());
    fails(
        2,
        "--var " + nope + ": no VAR model there (no config.json)",
        "sample-npz",
        "--var",
        nope.toString());
    fails(
        2,
        "--tokenizer " + m.var() + ": a VAR model, not a tokenizer",
        "export-safetensors",
        "--tokenizer",
        m.var().toString());
  }

  @Test
  void aMissingDefaultModelSaysWhatToRun() {
    // the tests run in experiments/, where the default models/fmnist-var does not exist
    String line =
        failsWith(
            2,
            "no VAR model in models/fmnist-var (the default of --var;",
            "sample",
            "--tokenizer",
            m.tokenizer().toString());
    assertTrue(line.contains("the committed models live in models/"), line);
    assertTrue(line.contains("scripts/var4j train-var"), line);
  }

  @Test
  void aWrongDataSetListsTheBuiltInOnes() {
    fails(
        2,
        "--data fashion_mnist: not a built-in data set (fashion-mnist, mnist) and not a folder"
            + " either",
        "zero-shot",
        "--data",
        "fashion_mnist");
    fails(
        2,
        "--data fashion_mnist: not a built-in data set (fashion-mnist, mnist) and not a folder"
            + " either",
        "sample",
        "--tokenizer",
        m.tokenizer().toString(),
        "--var",
        m.var().toString(),
        "--data",
        "fashion_mnist");
  }

  @Test
  void aFailedRunExitsWithOne() {
    Cli.Result r =
        Cli.run("sample", "--tokenizer", m.tokenizer().toString(), "--var", corrupt.toString());
    assertEquals(1, r.rc(), r.err());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.errLines()[0].startsWith("var4j: error: "), r.err());
  }

  @Test
  void theStackTraceComesOnlyWithVerbose() {
    String[] args = {
      "sample", "--tokenizer", m.tokenizer().toString(), "--var", corrupt.toString()
    };
    assertFalse(Cli.run(args).err().contains("\tat "));
    for (String v : new String[] {"--verbose", "-v"}) {
      String[] withV = java.util.Arrays.copyOf(args, args.length + 1);
      withV[args.length] = v;
      Cli.Result r = Cli.run(withV);
      assertEquals(1, r.rc());
      assertTrue(r.err().startsWith("var4j: error: "), r.err());
      assertTrue(r.err().contains("\tat "), r.err());
    }
    Cli.Result usage = Cli.run("-v", "train-var", "--batch", "-8");
    assertEquals(2, usage.rc());
    assertTrue(usage.err().contains("\tat "), usage.err());
    Cli.Result parse = Cli.run("sample", "--bogus", "--verbose");
    assertEquals(2, parse.rc());
    assertTrue(parse.err().contains("\tat "), parse.err());
  }

  @Test
  void photoWithoutOfficialModelsIsRefusedBeforeLoading() {
    Path fig = dir.resolve("fig-photo");
    // a corrupt --var would fail the run (status 1) if anything were loaded first
    fails(
        2,
        "--photo applies only to the official models (" + OfficialArgs.SOURCES + ")",
        "zero-shot",
        "--tokenizer",
        m.tokenizer().toString(),
        "--var",
        corrupt.toString(),
        "--data",
        m.data().toString(),
        "--photo",
        "x.jpg",
        "--figures",
        fig.toString());
    assertFalse(Files.exists(fig), "nothing written");
  }

  @Test
  void optionsOfTheOtherModeAreRefused() throws IOException {
    Path vae = dir.resolve("vae.pth"), var = dir.resolve("var.pth");
    Files.writeString(vae, "not a checkpoint");
    Files.writeString(var, "not a checkpoint");
    String[] official = {"--official-vae", vae.toString(), "--official-var", var.toString()};
    failsWith(2, "--classes applies only to the official models", "sample", "--classes", "1,2");
    failsWith(2, "--tag applies only to the official models", "sample", "--tag", "x");
    failsWith(2, "--depth applies only to the official models", "zero-shot", "--depth", "16");
    failsWith(
        2,
        "--per-class does not apply to the official models",
        concat(new String[] {"sample", "--per-class", "3"}, official));
    failsWith(
        2,
        "--var does not apply to the official models",
        concat(new String[] {"zero-shot", "--var", "x"}, official));
    failsWith(
        2,
        "--official-vae and --official-var go together",
        "sample",
        "--official-vae",
        vae.toString());
  }

  @Test
  void aPhotoThatIsNoPictureIsNamedBeforeTheModelsLoad() throws IOException {
    Path vae = dir.resolve("vae2.pth"), var = dir.resolve("var2.pth");
    Path photo = dir.resolve("photo.jpg");
    Files.writeString(vae, "not a checkpoint");
    Files.writeString(var, "not a checkpoint");
    Files.writeString(photo, "not a picture");
    fails(
        2,
        "--photo " + photo + ": not a picture (PNG, JPEG, GIF or BMP)",
        "zero-shot",
        "--official-vae",
        vae.toString(),
        "--official-var",
        var.toString(),
        "--photo",
        photo.toString());
    fails(
        2,
        "--photo is needed with the official models: the picture to edit (PNG or JPEG)",
        "zero-shot",
        "--official-vae",
        vae.toString(),
        "--official-var",
        var.toString());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
