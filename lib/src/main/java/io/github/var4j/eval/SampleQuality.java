package io.github.var4j.eval;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.util.ImageArrays;
import java.util.SplittableRandom;

/**
 * Scores sample sets against one reference set (e.g. the 10,000 test images) with a classifier as
 * the feature network: FID and precision/recall on its penultimate features, the IS analogue and
 * the class accuracy on its softmax. The reference features are computed once.
 *
 * <pre>
 * images uint8 (n, S, S, C) -> x/255·2-1 -> classifier -> features (n, d), probabilities (n, classes)
 * FID(gen, ref), IS(gen, 10 splits), precision/recall(ref, gen, k = 3), accuracy(argmax = label)
 * </pre>
 */
public final class SampleQuality {
  /**
   * One row of scores.
   *
   * @param n generated images
   * @param fid Fréchet distance to the reference features
   * @param isMean IS analogue, mean over 10 splits of the set in a fixed shuffled order
   * @param isStd its population standard deviation over the splits
   * @param precision share of generated samples inside the reference manifold (k = 3)
   * @param recall share of reference samples inside the generated manifold
   * @param classAccuracy share of samples the classifier assigns to their label; NaN unlabelled
   */
  public record Scores(
      int n,
      double fid,
      double isMean,
      double isStd,
      double precision,
      double recall,
      double classAccuracy) {}

  private final Classifier classifier;
  private final int referenceN;
  private final Features reference;

  /**
   * @param classifier the feature network (kept open by the caller)
   * @param reference the real images (e.g. the test split)
   */
  public SampleQuality(Classifier classifier, SampleSet reference) {
    checkFits(classifier.config(), reference);
    this.classifier = classifier;
    this.referenceN = reference.n();
    this.reference =
        Features.ofRowMajor(
            classifier.features(reference.toSignedFloats(), reference.n()),
            reference.n(),
            classifier.config().featureDim());
  }

  /** Images of the reference set. */
  public int referenceN() {
    return referenceN;
  }

  /**
   * Checks that a set's images are what the classifier takes.
   *
   * @throws IllegalArgumentException "sample images are 28x28x1 but the classifier takes 32x32x1"
   */
  public static void checkFits(ClassifierConfig cfg, SampleSet s) {
    if (s.height() != cfg.imageSize()
        || s.width() != cfg.imageSize()
        || s.channels() != cfg.inChannels()) {
      throw new IllegalArgumentException(
          "sample images are %s but the classifier takes %s"
              .formatted(
                  ImageArrays.hwc(s.height(), s.width(), s.channels()),
                  ImageArrays.hwc(cfg.imageSize(), cfg.imageSize(), cfg.inChannels())));
    }
  }

  /**
   * The rows of (n, d) in a fixed pseudo-random order (Fisher-Yates, seed 0), so that the splits of
   * IS mix the classes whatever order the set is in (the official evaluator sees samples of random
   * classes; our sets are class-major).
   */
  static float[] shuffledRows(float[] x, int n, int d) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    SplittableRandom rng = new SplittableRandom(0);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1), t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    float[] out = new float[x.length];
    for (int i = 0; i < n; i++) System.arraycopy(x, perm[i] * d, out, i * d, d);
    return out;
  }

  /** Scores one generated set (FID needs more images than feature dimensions). */
  public Scores score(SampleSet generated) {
    checkFits(classifier.config(), generated);
    int n = generated.n(),
        d = classifier.config().featureDim(),
        c = classifier.config().numClasses();
    Classifier.Outputs out = classifier.run(generated.toSignedFloats(), n);
    Features f = Features.ofRowMajor(out.features(), n, d);
    Features p = Features.ofRowMajor(out.probabilities(), n, c);
    double fid = Fid.distance(f, reference);
    // IS's 10 splits are cut by index: a class-major set would put one class in each split
    InceptionScore.Result is =
        InceptionScore.of(Features.ofRowMajor(shuffledRows(out.probabilities(), n, c), n, c));
    PrecisionRecall.Result pr = PrecisionRecall.of(reference, f);
    int[] labels = generated.labels();
    double acc = labels == null ? Double.NaN : ClassAccuracy.of(p, labels);
    return new Scores(n, fid, is.mean(), is.std(), pr.precision(), pr.recall(), acc);
  }
}
