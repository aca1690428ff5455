package io.github.var4j.experiments;

import io.github.var4j.app.QualityTable;
import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.viz.Charts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 9's quality table and sweeps, resumable ({@link QualityTable}): the raster-order baseline
 * and VAR without guidance or filtering, with top-k/top-p, with CFG and with classifier rejection
 * sampling, 1,000 images per class each; then the CFG sweep (0 to 5) and the top-k sweep, 500 per
 * class. Writes {@code eval-table.csv}, {@code eval-cfg-sweep.csv}, {@code eval-topk-sweep.csv} and
 * their figures; the samples stay in {@code runs/eval} as {@code .npz}.
 */
@Command(
    name = "eval-table",
    mixinStandardHelpOptions = true,
    description =
        "Sample-quality table (raster AR vs VAR rows) and CFG / top-k sweeps; resumable, skips"
            + " finished rows.")
public final class EvalTableCommand implements Callable<Integer> {
  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(names = "--classifier", defaultValue = "models/fmnist-classifier")
  Path classifier;

  @Option(names = "--var", defaultValue = "models/fmnist-var")
  Path var;

  @Option(names = "--tokenizer", defaultValue = "models/fmnist-tokenizer")
  Path tokenizer;

  @Option(names = "--raster", defaultValue = "models/fmnist-raster-var")
  Path raster;

  @Option(names = "--raster-tokenizer", defaultValue = "models/fmnist-tokenizer-raster")
  Path rasterTokenizer;

  @Option(
      names = "--l1l2-var",
      defaultValue = "models/fmnist-var-l1l2",
      description =
          "the VAR trained on the first (L1 + L2) tokenizer: one row, VAR + CFG, so that the"
              + " effect of the tokenizer shows (skipped if absent; default: ${DEFAULT-VALUE})")
  Path l1l2Var;

  @Option(names = "--l1l2-tokenizer", defaultValue = "models/fmnist-tokenizer-l1l2")
  Path l1l2Tokenizer;

  @Option(
      names = "--per-class",
      description = "images per class of the table rows (default 1000; quick mode 20)")
  Integer perClass;

  @Option(
      names = "--sweep-per-class",
      description = "images per class of the sweep points (default 500; quick mode 20)")
  Integer sweepPerClass;

  @Option(names = "--cfg", defaultValue = "1.5", description = "the default guidance")
  double cfg;

  @Option(names = "--top-k", defaultValue = "100", description = "the default top-k")
  int topK;

  @Option(names = "--top-p", defaultValue = "0.96", description = "the default top-p")
  double topP;

  @Option(names = "--rejection", description = "candidates per image of the -re row (default 4)")
  Integer rejection;

  @Option(names = "--batch", defaultValue = "64", description = "images per graph run")
  int batch;

  @Option(names = "--singles", description = "images timed one at a time (default 16; quick 2)")
  Integer singles;

  @Option(names = "--seed", defaultValue = "0")
  long seed;

  @Option(
      names = "--only",
      defaultValue = "all",
      description = "table, cfg, topk or all (default: ${DEFAULT-VALUE})")
  String only;

  @Option(
      names = "--retime",
      description =
          "measure the speed columns of the finished table rows again (on a quiet machine) instead"
              + " of evaluating")
  boolean retime;

  @Override
  public Integer call() throws Exception {
    boolean quick = Quick.enabled();
    if (!List.of("table", "cfg", "topk", "all").contains(only))
      throw new IllegalArgumentException("--only must be table, cfg, topk or all, got " + only);
    Path results = Path.of("experiments", "results", quick ? "quick" : "");
    Path figures = quick ? Path.of("figures", "quick") : Path.of("figures");
    Path samples = Path.of("runs", quick ? "eval-quick" : "eval");
    int per = perClass != null ? perClass : quick ? 20 : 1000;
    int sweepPer = sweepPerClass != null ? sweepPerClass : quick ? 20 : 500;
    int m = rejection != null ? rejection : quick ? 2 : 4;
    int single = singles != null ? singles : quick ? 2 : 16;

    ClassifierConfig cc = ModelDir.config(classifier, ModelKind.CLASSIFIER);
    ImageDataset test = dataArgs.load().test();
    int[] idx =
        VarTrainer.evenlySpaced(test.size(), quick ? Math.min(1000, test.size()) : test.size());
    SampleSet ref = SampleSet.of(test, idx, cc.imageSize());
    System.out.println(
        "[eval-table] reference: " + ref + " (test split); " + per + " per class per row");
    SampleOptions dflt = new SampleOptions(cfg, topK, topP, false, seed, false);
    try (Classifier c = Classifier.load(cc, ModelDir.weights(classifier))) {
      if (only.equals("all") || only.equals("table")) {
        QualityTable t =
            new QualityTable(
                results.resolve("eval-table.csv"), samples, c, ref, per, batch, single, System.out);
        List<QualityTable.Spec> specs = new ArrayList<>();
        specs.add(
            new QualityTable.Spec(
                "VAR", var, tokenizer, new SampleOptions(0, 0, 0, false, seed, false), 1));
        specs.add(new QualityTable.Spec("VAR + top-k/top-p", var, tokenizer, dflt.withCfg(0), 1));
        specs.add(new QualityTable.Spec("VAR + CFG", var, tokenizer, dflt, 1));
        specs.add(new QualityTable.Spec("VAR + CFG -re" + m, var, tokenizer, dflt, m));
        if (ModelDir.exists(l1l2Var) && ModelDir.exists(l1l2Tokenizer)) {
          specs.add(
              new QualityTable.Spec(
                  "VAR + CFG (l1-l2 tokenizer)", l1l2Var, l1l2Tokenizer, dflt, 1));
        }
        // last, so that the VAR rows can run before the baseline is trained
        if (ModelDir.exists(raster) || !quick) {
          specs.add(new QualityTable.Spec("raster AR", raster, rasterTokenizer, dflt, 1));
        } else {
          System.out.println("[eval-table] quick mode: no raster model in " + raster + ", skipped");
        }
        for (QualityTable.Spec sp : specs) {
          if (retime) t.retime(sp);
          else t.run(sp);
        }
        System.out.print(QualityTable.markdown(results.resolve("eval-table.csv"), "VAR + CFG"));
      }
      if (only.equals("all") || only.equals("cfg")) {
        QualityTable t =
            new QualityTable(
                results.resolve("eval-cfg-sweep.csv"),
                samples,
                c,
                ref,
                sweepPer,
                batch,
                0,
                System.out);
        double[] cfgs =
            quick ? new double[] {0, 1.5, 4} : new double[] {0, 0.5, 1, 1.5, 2, 3, 4, 5};
        for (double g : cfgs)
          t.run(new QualityTable.Spec("sweep cfg=" + trim(g), var, tokenizer, dflt.withCfg(g), 1));
        Charts.savePng(
            QualityTable.sweepChart(
                results.resolve("eval-cfg-sweep.csv"),
                "cfg",
                0,
                "VAR: classifier-free guidance (top-k " + topK + ", top-p " + trim(topP) + ")",
                "cfg"),
            figures.resolve("eval-cfg-sweep.png"));
      }
      if (only.equals("all") || only.equals("topk")) {
        QualityTable t =
            new QualityTable(
                results.resolve("eval-topk-sweep.csv"),
                samples,
                c,
                ref,
                sweepPer,
                batch,
                0,
                System.out);
        int[] ks = quick ? new int[] {10, 0} : new int[] {10, 30, 100, 300, 0};
        for (int k : ks)
          t.run(
              new QualityTable.Spec(
                  "sweep k=" + (k == 0 ? "off" : k),
                  var,
                  tokenizer,
                  dflt.withTopK(k).withTopP(0),
                  1));
        Charts.savePng(
            QualityTable.sweepChart(
                results.resolve("eval-topk-sweep.csv"),
                "top_k",
                512,
                "VAR: top-k (cfg " + trim(cfg) + ", no top-p; 'off' plotted at V = 512)",
                "top-k"),
            figures.resolve("eval-topk-sweep.png"));
      }
    }
    return 0;
  }

  private static String trim(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
