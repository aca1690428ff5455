package io.github.var4j.experiments;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.DataSplit;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.eval.ClassAccuracy;
import io.github.var4j.eval.Features;
import io.github.var4j.eval.Fid;
import io.github.var4j.eval.ReconstructionQuality;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The two reference rows of the FID table, with the committed classifier's features: the floor
 * (train images vs the test split, both real) and the tokenizer's reconstructions of the test split
 * vs the test split (its rFID), plus the class accuracy of the reconstructions. Writes {@code
 * <results>/fid-reference.csv} (or {@code --out}).
 */
@Command(name = "eval-fid-reference")
public final class EvalFidReferenceCommand extends Var4jCommand {

  @Mixin DataArgs dataArgs = new DataArgs();

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Option(
      names = "--tokenizer",
      paramLabel = "DIR",
      split = ",",
      defaultValue =
          ModelArgs.DEFAULT_TOKENIZER
              + ",models/fmnist-tokenizer-l1l2,models/fmnist-tokenizer-raster")
  List<Path> tokenizers;

  @Option(names = "--images")
  int images = 10000;

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin ResultsArgs results = new ResultsArgs();

  @Option(names = "--out", paramLabel = "FILE")
  Path out;

  @Override
  Integer run() throws Exception {
    Check.positive("--images", images);
    ClassifierConfig cc = classifier.config();
    if (Check.given(spec, "--tokenizer"))
      for (Path t : tokenizers) Check.model("--tokenizer", t, ModelKind.TOKENIZER, true, "");
    Path file = out != null ? out : output.results(results).resolve("fid-reference.csv");
    DataSplit split = dataArgs.load();
    int n = Quick.enabled() ? Math.min(images, 500) : images;
    ImageDataset test = split.test();
    n = Math.min(n, test.size());
    int[] trainIdx = firstPerClass(split.train(), n);
    int S = cc.imageSize(), d = cc.featureDim(), C = cc.numClasses();
    StringBuilder csv = new StringBuilder("reference,fid,class_accuracy,images\n");
    try (Classifier cls = Classifier.load(cc, ModelDir.weights(classifier.dir))) {
      long t0 = System.nanoTime();
      ReconstructionQuality rq = new ReconstructionQuality(cls, test, n);
      Classifier.Outputs trainOut =
          cls.run(split.train().toFloatBatch(trainIdx, S), trainIdx.length);
      double floor =
          Fid.distance(
              Features.ofRowMajor(trainOut.features(), trainIdx.length, d), rq.reference());
      double trainAcc =
          ClassAccuracy.of(
              Features.ofRowMajor(trainOut.probabilities(), trainIdx.length, C),
              split.train().labels(trainIdx));
      row(csv, "test (real)", Double.NaN, rq.referenceAccuracy(), n);
      row(csv, "train-vs-test", floor, trainAcc, trainIdx.length);
      System.out.printf(
          Locale.ROOT,
          "[fid] test accuracy %.4f; train (%d, %d per class) vs test (%d): FID %.4f%n",
          rq.referenceAccuracy(),
          trainIdx.length,
          trainIdx.length / split.train().numClasses(),
          n,
          floor);

      for (Path tokenizer : tokenizers) {
        if (!ModelDir.exists(tokenizer)) {
          System.out.println("[fid] no tokenizer in " + tokenizer + ", skipped");
          continue;
        }
        VqVaeConfig vc = ModelDir.config(tokenizer, ModelKind.TOKENIZER);
        ReconstructionQuality.Scores sc;
        try (Tokenizer tok = Tokenizer.loadNpyDir(vc, tokenizer)) {
          sc = rq.score(tok);
        }
        // a recipe run's exported model sits in <run>/model: name it by its run
        Path abs = tokenizer.toAbsolutePath().normalize();
        String dirName =
            abs.getFileName().toString().equals("model") && abs.getParent() != null
                ? abs.getParent().getFileName() + "/model"
                : abs.getFileName().toString();
        String name = "tokenizer-recon-vs-test (" + dirName + " " + vc.patchNums() + ")";
        row(csv, name.replace(",", ""), sc.rfid(), sc.classAccuracy(), n);
        System.out.printf(
            Locale.ROOT,
            "[fid] %s: FID %.4f, class accuracy %.4f (%.0f s)%n",
            name,
            sc.rfid(),
            sc.classAccuracy(),
            (System.nanoTime() - t0) / 1e9);
      }
    }
    AtomicFiles.write(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    System.out.println("[fid] wrote " + file);
    return 0;
  }

  private static void row(StringBuilder sb, String name, double fid, double acc, int n) {
    sb.append(name)
        .append(',')
        .append(Double.isNaN(fid) ? "" : String.format(Locale.ROOT, "%.4f", fid))
        .append(',')
        .append(String.format(Locale.ROOT, "%.4f", acc))
        .append(',')
        .append(n)
        .append('\n');
  }

  /**
   * The first {@code n / C} train images of each of the C classes (evenly spaced over classes), in
   * index order.
   */
  static int[] firstPerClass(ImageDataset train, int n) {
    int classes = train.numClasses(), per = n / classes;
    int[] out = new int[per * classes];
    int k = 0;
    for (int c = 0; c < classes; c++) {
      int[] idx = train.indicesOfClass(c);
      if (idx.length < per) {
        throw new IllegalArgumentException(
            "class " + c + " has " + idx.length + " train images, " + per + " are needed");
      }
      System.arraycopy(idx, 0, out, k, per);
      k += per;
    }
    Arrays.sort(out);
    return out;
  }
}
