package io.github.var4j.experiments;

import io.github.var4j.app.QualityRow;
import io.github.var4j.app.QualityTable;
import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.Subsets;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.viz.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the commands that score sample quality share (a picocli mixin): the data set and the feature
 * network ({@link DataArgs}, {@link ClassifierArgs}) and how the samples are drawn, {@code
 * --per-class}, {@code --batch}, {@code --singles}; quick mode takes smaller defaults.
 */
final class QualityArgs {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Mixin DataArgs data = new DataArgs();

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Option(names = "--per-class")
  Integer perClass;

  @Option(names = "--retime")
  boolean retime;

  @Option(names = "--batch")
  int batch = 64;

  @Option(names = "--singles")
  Integer singles;

  /**
   * The real images every row is compared with: the test split of {@code data} (in quick mode 1,000
   * of it, evenly spaced) at the feature network's size.
   */
  SampleSet reference(int imageSize) throws IOException {
    ImageDataset test = data.load().test();
    int n = Quick.enabled() ? Math.min(1000, test.size()) : test.size();
    return SampleSet.of(test, Subsets.evenlySpaced(test.size(), n), imageSize);
  }

  /**
   * Checks every option of the mixin (the data set, the feature network, the sample counts).
   *
   * @return the feature network's configuration
   */
  ClassifierConfig check() throws IOException {
    perClass();
    batch();
    singles();
    return classifier.config();
  }

  /**
   * A quality table in {@code csv} (samples kept under {@code sampleDir}) that scores with {@code
   * c} against {@code ref}, {@code --per-class} images per class.
   */
  QualityTable table(Path csv, Path sampleDir, Classifier c, SampleSet ref) {
    return new QualityTable(csv, sampleDir, c, ref, perClass(), batch(), singles(), System.out);
  }

  /**
   * Scores the rows in {@code t} (a finished row is skipped) or, with {@code --retime}, measures
   * their speed columns again, and then the first row once more: it was timed in a cold process
   * (thread pools, JIT).
   */
  void runAll(QualityTable t, List<QualityRow> rows) throws IOException {
    for (QualityRow r : rows) {
      if (retime) t.retime(r);
      else t.run(r);
    }
    if (retime && !rows.isEmpty()) t.retime(rows.get(0));
  }

  /**
   * Scores {@code rows} into {@code <results>/<tag>.csv} (samples kept in the run {@code
   * eval-<tag>}) with the feature network against {@code ref}; returns the CSV.
   */
  Path scoreAll(RunOutputArgs output, String tag, SampleSet ref, List<QualityRow> rows)
      throws IOException {
    Path csv = output.results().resolve(tag + ".csv");
    try (Classifier c = classifier.load()) {
      runAll(table(csv, output.run("eval-" + tag), c, ref), rows);
    }
    return csv;
  }

  /**
   * A faster sampler's rows against its reference row {@code base}: scored ({@link #scoreAll}),
   * then the speed/quality planes ({@link #paretoFigures}) and the table printed.
   *
   * @param what names the method in the figures' titles
   */
  void compare(RunOutputArgs output, String tag, List<QualityRow> rows, String what, String base)
      throws IOException {
    Path csv = scoreAll(output, tag, reference(classifier.config().imageSize()), rows);
    paretoFigures(csv, what, output.figures(), tag);
    System.out.print(QualityTable.markdown(csv, base));
    System.out.println(
        "[" + mixee.name() + "] wrote " + csv + " and the figures in " + output.figures());
  }

  /**
   * The speed/quality planes of a finished table: {@code <figures>/<tag>-pareto.png} (batches of
   * {@code --batch}) and, when images were timed one at a time, {@code <tag>-pareto-single.png}.
   *
   * @param what names the method in the titles, e.g. "Collaborative decoding"
   */
  void paretoFigures(Path csv, String what, Path figures, String tag) throws IOException {
    Charts.savePng(
        QualityTable.paretoChart(csv, what + ": batches of " + batch(), false),
        figures.resolve(tag + "-pareto.png"));
    if (singles() > 0)
      Charts.savePng(
          QualityTable.paretoChart(csv, what + ": one image at a time", true),
          figures.resolve(tag + "-pareto-single.png"));
  }

  /** {@code --per-class}, checked, or its default. */
  int perClass() {
    return Check.positive("--per-class", perClass != null ? perClass : Quick.enabled() ? 20 : 1000);
  }

  /** {@code --batch}, checked. */
  int batch() {
    return Check.positive("--batch", batch);
  }

  /** {@code --singles}, checked, or its default. */
  int singles() {
    return Check.nonNegative("--singles", singles != null ? singles : Quick.enabled() ? 2 : 16);
  }
}
