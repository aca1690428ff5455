package io.github.var4j.experiments;

import io.github.var4j.app.QualityRow;
import io.github.var4j.app.QualityTable;
import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.viz.Charts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The sample-quality table and sweeps, resumable ({@link QualityTable}): the raster-order baseline
 * and VAR without guidance or filtering, with top-k/top-p, with CFG and with classifier rejection
 * sampling, 1,000 images per class each; then the CFG sweep (0 to 5) and the top-k sweep, 500 per
 * class. Writes (and resumes from) {@code <results>/eval-table.csv}, {@code eval-cfg-sweep.csv},
 * {@code eval-topk-sweep.csv}, draws {@code <figures>/eval-{cfg,topk}-sweep.png}; the samples stay
 * in the run directory as {@code .npz}.
 */
@Command(name = "eval-table")
public final class EvalTableCommand extends Var4jCommand {

  @Mixin ModelArgs models = new ModelArgs();

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Option(names = "--raster", paramLabel = "DIR")
  Path raster = Path.of("models/fmnist-raster-var");

  @Option(names = "--raster-tokenizer", paramLabel = "DIR")
  Path rasterTokenizer = Path.of("models/fmnist-tokenizer-raster");

  @Option(names = "--l1l2-var", paramLabel = "DIR")
  Path l1l2Var = Path.of("models/fmnist-var-l1l2");

  @Option(names = "--l1l2-tokenizer", paramLabel = "DIR")
  Path l1l2Tokenizer = Path.of("models/fmnist-tokenizer-l1l2");

  @Option(names = "--sweep-per-class")
  Integer sweepPerClass;

  @Option(names = "--rejection")
  Integer rejection;

  @Option(names = "--only")
  String only = "all";

  @Mixin QualityArgs quality = new QualityArgs();

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Override
  Integer run() throws Exception {
    boolean quick = Quick.enabled();
    Check.oneOf("--only", only, "table", "cfg", "topk", "all");
    SampleOptions dflt = sampling.options();
    int per = quality.perClass();
    int sweepPer =
        Check.positive(
            "--sweep-per-class", sweepPerClass != null ? sweepPerClass : quick ? 20 : 500);
    int m = Check.positive("--rejection", rejection != null ? rejection : quick ? 2 : 4);
    int batch = quality.batch();
    ClassifierConfig cc = quality.check();
    models.check();
    boolean table = only.equals("all") || only.equals("table");
    boolean withRaster =
        table
            && (Check.given(spec, "--raster")
                || Check.given(spec, "--raster-tokenizer")
                || ModelDir.exists(raster));
    if (withRaster) {
      Check.model("--raster", raster, ModelKind.VAR, true, "");
      Check.model("--raster-tokenizer", rasterTokenizer, ModelKind.TOKENIZER, true, "");
    }
    boolean withL1l2 =
        table
            && (Check.given(spec, "--l1l2-var")
                || Check.given(spec, "--l1l2-tokenizer")
                || (ModelDir.exists(l1l2Var) && ModelDir.exists(l1l2Tokenizer)));
    if (withL1l2) {
      Check.model("--l1l2-var", l1l2Var, ModelKind.VAR, true, "");
      Check.model("--l1l2-tokenizer", l1l2Tokenizer, ModelKind.TOKENIZER, true, "");
    }
    Path res = output.results();
    Path fig = output.figures();
    Path samples = output.run("eval");
    Path var = models.var, tokenizer = models.tokenizer;

    SampleSet ref = quality.reference(cc.imageSize());
    System.out.println(
        "[eval-table] reference: " + ref + " (test split); " + per + " per class per row");
    try (Classifier c = quality.classifier.load()) {
      if (table) {
        QualityTable t = quality.table(res.resolve("eval-table.csv"), samples, c, ref);
        List<QualityRow> specs = new ArrayList<>();
        specs.add(
            new QualityRow("VAR", var, tokenizer, dflt.withCfg(0).withTopK(0).withTopP(0), 1));
        specs.add(new QualityRow("VAR + top-k/top-p", var, tokenizer, dflt.withCfg(0), 1));
        specs.add(new QualityRow("VAR + CFG", var, tokenizer, dflt, 1));
        specs.add(new QualityRow("VAR + CFG -re" + m, var, tokenizer, dflt, m));
        if (withL1l2) {
          specs.add(new QualityRow("VAR + CFG (l1-l2 tokenizer)", l1l2Var, l1l2Tokenizer, dflt, 1));
        }
        // last, so that the VAR rows can run before the baseline is trained
        if (withRaster) {
          specs.add(new QualityRow("raster AR", raster, rasterTokenizer, dflt, 1));
        } else {
          System.out.println("[eval-table] no raster model in " + raster + ": its row is skipped");
        }
        quality.runAll(t, specs);
        System.out.print(QualityTable.markdown(res.resolve("eval-table.csv"), "VAR + CFG"));
      }
      if (only.equals("all") || only.equals("cfg")) {
        QualityTable t =
            new QualityTable(
                res.resolve("eval-cfg-sweep.csv"), samples, c, ref, sweepPer, batch, 0, System.out);
        double[] cfgs =
            quick ? new double[] {0, 1.5, 4} : new double[] {0, 0.5, 1, 1.5, 2, 3, 4, 5};
        for (double g : cfgs)
          t.run(new QualityRow("sweep cfg=" + trim(g), var, tokenizer, dflt.withCfg(g), 1));
        Charts.savePng(
            QualityTable.sweepChart(
                res.resolve("eval-cfg-sweep.csv"),
                "cfg",
                0,
                "VAR: classifier-free guidance (top-k "
                    + dflt.topK()
                    + ", top-p "
                    + trim(dflt.topP())
                    + ")",
                "cfg"),
            fig.resolve("eval-cfg-sweep.png"));
      }
      if (only.equals("all") || only.equals("topk")) {
        QualityTable t =
            new QualityTable(
                res.resolve("eval-topk-sweep.csv"),
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
              new QualityRow(
                  "sweep k=" + (k == 0 ? "off" : k),
                  var,
                  tokenizer,
                  dflt.withTopK(k).withTopP(0),
                  1));
        Charts.savePng(
            QualityTable.sweepChart(
                res.resolve("eval-topk-sweep.csv"),
                "top_k",
                512,
                "VAR: top-k (cfg " + trim(dflt.cfg()) + ", no top-p; 'off' plotted at V = 512)",
                "top-k"),
            fig.resolve("eval-topk-sweep.png"));
      }
    }
    return 0;
  }

  private static String trim(double v) {
    return CommandSupport.trim(v);
  }
}
