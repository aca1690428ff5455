package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.sample.ImageSampler;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Scoring sample sets with a classifier, and drawing them (with rejection sampling). */
class SampleQualityTest {
  /** 16×16 grey, width 4 (feature dimension 16), 3 classes. */
  private static final ClassifierConfig SMALL = new ClassifierConfig(1, 16, 4, 3, 4);

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private static SampleSet shapes(int n, long seed) {
    ImageDataset d = SyntheticShapes.generate(n, 16, 1, seed);
    int[] idx = IntStream.range(0, n).toArray();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = i % 3;
    return SampleSet.ofSignedFloats(d.toFloatBatch(idx, 16), n, 16, 1, labels);
  }

  @Test
  void aSetScoredAgainstItselfIsPerfect() {
    try (Classifier c = Classifier.initialized(SMALL, 1)) {
      SampleSet ref = shapes(60, 4);
      SampleQuality q = new SampleQuality(c, ref);
      assertEquals(60, q.referenceN());
      SampleQuality.Scores s = q.score(ref);
      assertEquals(60, s.n());
      assertEquals(0.0, s.fid(), 1e-6);
      assertEquals(1.0, s.precision());
      assertEquals(1.0, s.recall());
      // the class accuracy is the classifier's agreement with the labels, as ClassAccuracy says.
      // Two runs of the classifier (another fetch set, which TF may optimise differently) round
      // alike up to a few ulps, so only rows whose two largest probabilities lie within 1e-5
      // (over 100 ulps of 1) may flip: the accuracies may differ by their share
      float[] p = c.probabilities(ref.toSignedFloats(), 60);
      int nearTies = 0;
      for (int i = 0; i < 60; i++) {
        float[] row = java.util.Arrays.copyOfRange(p, i * 3, i * 3 + 3);
        java.util.Arrays.sort(row);
        if (row[2] - row[1] < 1e-5) nearTies++;
      }
      assertEquals(
          ClassAccuracy.of(Features.ofRowMajor(p, 60, 3), ref.labels()),
          s.classAccuracy(),
          nearTies / 60.0 + 1e-12,
          nearTies + " near-tie(s)");
      assertTrue(s.isMean() >= 1.0 && s.isMean() <= 3.0, "IS in [1, classes]: " + s.isMean());
      // another set is farther away
      assertTrue(q.score(shapes(60, 9)).fid() > 1e-6);
    }
  }

  @Test
  void shuffledRowsArePermutedWholeAndFixed() {
    float[] x = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
    float[] a = SampleQuality.shuffledRows(x, 5, 2), b = SampleQuality.shuffledRows(x, 5, 2);
    assertArrayEquals(a, b);
    float[] sorted = a.clone();
    java.util.Arrays.sort(sorted);
    assertArrayEquals(x, sorted);
    for (int i = 0; i < 5; i++) assertEquals(a[2 * i], a[2 * i + 1]);
  }

  @Test
  void badInputIsNamed() {
    try (Classifier c = Classifier.initialized(SMALL, 1)) {
      SampleSet ref = shapes(40, 4);
      SampleQuality q = new SampleQuality(c, ref);
      SampleSet wrong = SampleSet.ofUnitFloats(new float[40 * 8 * 8], 40, 8, 1, null);
      assertEquals(
          "sample images are 8x8x1 but the classifier takes 16x16x1",
          assertThrows(IllegalArgumentException.class, () -> q.score(wrong)).getMessage());
      // FID needs more samples than feature dimensions (16)
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> q.score(shapes(10, 2)));
      assertTrue(
          e.getMessage().startsWith("FID needs more samples than feature dimensions"),
          e.getMessage());
    }
  }

  /** A fake sampler: image i is a constant grey level drawn from (seed, label, i). */
  private static final class GreySampler implements ImageSampler {
    @Override
    public float[] images(int[] labels, SampleOptions opts) {
      float[] out = new float[labels.length * 256];
      for (int i = 0; i < labels.length; i++) {
        float v = (float) new SplittableRandom(opts.seed() * 31 + labels[i] * 7 + i).nextDouble();
        java.util.Arrays.fill(out, i * 256, (i + 1) * 256, v);
      }
      return out;
    }

    @Override
    public VarConfig varConfig() {
      return VarConfig.ofDepth(1, 8, 4, 3, ScaleSchedule.of(1, 2, 4));
    }

    @Override
    public VqVaeConfig vaeConfig() {
      return VqVaeConfig.builder()
          .inChannels(1)
          .ch(32)
          .chMult(new int[] {1, 2, 2})
          .numResBlocks(1)
          .zChannels(4)
          .vocabSize(8)
          .patchNums(ScaleSchedule.of(1, 2, 4))
          .beta(0.25)
          .quantResi(0.5)
          .shareQuantResi(4)
          .imageSize(16)
          .build();
    }

    @Override
    public void close() {}
  }

  @Test
  void rejectionKeepsTheMostConfidentCandidateOfEveryImage() {
    try (Classifier c = Classifier.initialized(SMALL, 3);
        GreySampler s = new GreySampler()) {
      int[] labels = Generation.classMajorLabels(4, 3);
      assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, labels);
      SampleOptions o = SampleOptions.defaults().withSeed(5);
      int m = 3;
      SampleSet kept = Generation.rejection(s, c, labels, m, o, 5, "re", QUIET);
      SampleSet[] cand = new SampleSet[m];
      float[][] p = new float[m][];
      for (int j = 0; j < m; j++) {
        cand[j] = Generation.of(s, labels, o.withSeed(5 + 1_000_003L * j), 5, "c", QUIET);
        p[j] = c.probabilities(cand[j].toSignedFloats(), labels.length);
      }
      int changed = 0;
      for (int i = 0; i < labels.length; i++) {
        int best = 0;
        for (int j = 1; j < m; j++)
          if (p[j][i * 3 + labels[i]] > p[best][i * 3 + labels[i]]) best = j;
        if (best != 0) changed++;
        assertEquals(cand[best].pixel(i, 0, 0, 0), kept.pixel(i, 0, 0, 0), "image " + i);
      }
      assertTrue(changed > 0, "some images come from a later candidate");
      assertArrayEquals(labels, kept.labels());
    }
  }
}
