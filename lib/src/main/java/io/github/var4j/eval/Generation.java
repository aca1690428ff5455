package io.github.var4j.eval;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.sample.ImageSampler;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.train.Progress;
import io.github.var4j.util.Require;
import java.io.PrintStream;
import java.util.Map;

/**
 * Draws the sample sets of an evaluation from a class-conditional {@link ImageSampler}: a fixed
 * number per class, optionally with classifier rejection sampling (the paper's "-re" rows).
 * Progress lines with an ETA go to the given stream.
 */
public final class Generation {
  private Generation() {}

  /** The labels 0,..,0, 1,..,1, ...: {@code perClass} of each of {@code classes}. */
  public static int[] classMajorLabels(int perClass, int classes) {
    if (perClass <= 0 || classes <= 0)
      throw new IllegalArgumentException(
          "perClass and classes must be positive, got " + perClass + " and " + classes);
    int[] labels = new int[perClass * classes];
    for (int i = 0; i < labels.length; i++) labels[i] = i / perClass;
    return labels;
  }

  /**
   * {@code perClass} images of every class, class-major, generated in runs of {@code chunk} images;
   * run r uses the seed {@code opts.seed + r}.
   */
  public static SampleSet perClass(
      ImageSampler sampler,
      int perClass,
      SampleOptions opts,
      int chunk,
      String tag,
      PrintStream log) {
    int[] labels = classMajorLabels(perClass, sampler.varConfig().numClasses());
    return of(sampler, labels, opts, chunk, tag, log);
  }

  /** One image per label, in runs of {@code chunk}; run r uses the seed {@code opts.seed + r}. */
  public static SampleSet of(
      ImageSampler sampler,
      int[] labels,
      SampleOptions opts,
      int chunk,
      String tag,
      PrintStream log) {
    Require.positive("chunk", chunk);
    int side = sampler.vaeConfig().imageSize(), ch = sampler.vaeConfig().inChannels();
    int per = side * side * ch, n = labels.length;
    float[] images = new float[n * per];
    long every = Math.max(chunk, (n / 10 + chunk - 1) / chunk * chunk);
    try (Progress p = new Progress(tag, 0, n, every, log)) {
      for (int b0 = 0, r = 0; b0 < n; b0 += chunk, r++) {
        int m = Math.min(chunk, n - b0);
        int[] lab = java.util.Arrays.copyOfRange(labels, b0, b0 + m);
        float[] img = sampler.images(lab, opts.withSeed(opts.seed() + r));
        System.arraycopy(img, 0, images, b0 * per, m * per);
        p.update(b0 + m, Map.of());
      }
    }
    return SampleSet.ofUnitFloats(images, n, side, ch, labels);
  }

  /**
   * Classifier rejection sampling: for every label, {@code m} candidates (m passes over the labels
   * with the seeds {@code opts.seed + 1,000,003·j + r}); the candidate kept is the one the
   * classifier gives the highest probability of its label.
   */
  public static SampleSet rejection(
      ImageSampler sampler,
      Classifier classifier,
      int[] labels,
      int m,
      SampleOptions opts,
      int chunk,
      String tag,
      PrintStream log) {
    if (m < 1) throw new IllegalArgumentException("m must be >= 1 candidates, got " + m);
    SampleSet best = null;
    double[] bestP = new double[labels.length];
    int classes = classifier.config().numClasses();
    for (int j = 0; j < m; j++) {
      SampleSet cand =
          of(
              sampler,
              labels,
              opts.withSeed(opts.seed() + 1_000_003L * j),
              chunk,
              tag + " " + (j + 1) + "/" + m,
              log);
      SampleQuality.checkFits(classifier.config(), cand);
      float[] p = classifier.probabilities(cand.toSignedFloats(), cand.n());
      if (best == null) {
        best = cand;
        for (int i = 0; i < labels.length; i++) bestP[i] = p[i * classes + labels[i]];
        continue;
      }
      best = pick(best, cand, bestP, p, labels, classes);
    }
    return best;
  }

  /** Keeps, per image, the candidate with the higher probability of its label. */
  private static SampleSet pick(
      SampleSet best, SampleSet cand, double[] bestP, float[] p, int[] labels, int classes) {
    int per = best.height() * best.width() * best.channels();
    float[] a = best.toUnitFloats(), b = cand.toUnitFloats();
    for (int i = 0; i < labels.length; i++) {
      double q = p[i * classes + labels[i]];
      if (q > bestP[i]) {
        bestP[i] = q;
        System.arraycopy(b, i * per, a, i * per, per);
      }
    }
    return SampleSet.ofUnitFloats(a, best.n(), best.height(), best.channels(), labels);
  }
}
