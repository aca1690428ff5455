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
import picocli.CommandLine.Option;

/**
 * What the commands that score sample quality share (a picocli mixin): the data set and the feature
 * network ({@link DataArgs}, {@link ClassifierArgs}) and how the samples are drawn, {@code
 * --per-class}, {@code --batch}, {@code --singles}; quick mode takes smaller defaults.
 */
final class QualityArgs {
  @Mixin DataArgs data = new DataArgs();

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Option(
      names = "--per-class",
      description = "images per class of every row (default 1000; quick mode 20)")
  Integer perClass;

  @Option(
      names = "--retime",
      description =
          "measure the speed columns of the finished rows again, one after another, the first"
              + " row once more at the end (on a quiet machine), instead of evaluating")
  boolean retime;

  @Option(names = "--batch", description = "images per graph run")
  int batch = 64;

  @Option(
      names = "--singles",
      description = "images timed one at a time (default 16; quick mode 2)")
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
    data.check();
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
