package io.github.var4j.experiments;

import io.github.var4j.app.AblationRows;
import io.github.var4j.app.QualityTable;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.io.KeyedCsv;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.viz.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * An ablation table in the style of the VAR paper's Table 3 ({@link AblationRows}): every row of a
 * rows file scored like the quality table ({@link QualityTable}: FID, IS, precision, recall, class
 * accuracy, images/s) with one feature network, plus each row's training FLOPs. Resumable: rows
 * already in {@code <results>/<tag>.csv} are skipped; with {@code --trained-only}, so are the rows
 * whose model is not trained yet (while the ablation's runs are still training).
 */
@Command(name = "eval-ablation")
public final class EvalAblationCommand extends Var4jCommand {
  @Option(names = "--rows", paramLabel = "FILE", required = true)
  Path rows;

  @Mixin TagArgs tagArgs = new TagArgs("ablation");

  @Option(names = "--seed")
  long seed = 0;

  @Option(names = "--trained-only")
  boolean trainedOnly;

  @Mixin QualityArgs quality = new QualityArgs();

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Override
  Integer run() throws Exception {
    Check.file("--rows", rows);
    String tag = tagArgs.value();
    ClassifierConfig cc = quality.check();
    List<AblationRows.Row> table;
    try {
      table = AblationRows.read(rows, seed);
    } catch (IOException e) {
      throw new UsageException("--rows " + e.getMessage());
    }
    if (trainedOnly) table = trained(table);
    for (AblationRows.Row r : table) {
      String what = "--rows " + rows + ", row '" + r.spec().name() + "'";
      Check.model(what + ", model", r.spec().model(), ModelKind.VAR, true, "");
      Check.model(what + ", tokenizer", r.spec().tokenizer(), ModelKind.TOKENIZER, true, "");
    }
    Path res = output.results();
    Map<String, Map<String, String>> training = AblationRows.trainingTable(table);
    KeyedCsv.write(res.resolve(tag + "-training.csv"), AblationRows.TRAINING_HEADER, training);
    SampleSet ref = quality.reference(cc.imageSize());
    System.out.println(
        "[eval-ablation] "
            + table.size()
            + " rows of "
            + rows
            + "; reference: "
            + ref
            + "; "
            + quality.perClass()
            + " per class per row; features of "
            + quality.classifier.dir);
    Path csv =
        quality.scoreAll(output, tag, ref, table.stream().map(AblationRows.Row::spec).toList());
    String base = table.get(0).spec().name();
    Map<String, Map<String, String>> joined =
        AblationRows.table(QualityTable.read(csv), training, base);
    KeyedCsv.write(res.resolve(tag + "-table.csv"), AblationRows.TABLE_HEADER, joined);
    Path fig = output.figures().resolve(tag + ".png");
    Charts.savePng(
        AblationRows.fidChart(
            joined, "Ablation " + tag + ": FID of " + quality.perClass() + " samples per class"),
        fig);
    System.out.print(QualityTable.markdown(csv, base));
    System.out.println(
        "[eval-ablation] wrote " + csv + ", " + res.resolve(tag + "-table.csv") + " and " + fig);
    return 0;
  }

  /**
   * The rows whose model directory holds a model, the others named and left out; the first row, the
   * table's reference, must be among them.
   */
  private List<AblationRows.Row> trained(List<AblationRows.Row> table) {
    AblationRows.Row first = table.get(0);
    Check.that(
        ModelDir.exists(first.spec().model()),
        "--rows "
            + rows
            + ": the first row '"
            + first.spec().name()
            + "' is the table's reference and has no model yet at "
            + first.spec().model());
    List<AblationRows.Row> kept = new ArrayList<>();
    for (AblationRows.Row r : table) {
      if (ModelDir.exists(r.spec().model())) kept.add(r);
      else
        System.out.println(
            "[eval-ablation] row '"
                + r.spec().name()
                + "': no model yet at "
                + r.spec().model()
                + ", skipped (--trained-only)");
    }
    return kept;
  }
}
