package io.github.var4j.eval;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.util.ImageArrays;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.util.stream.IntStream;

/**
 * A tokenizer's rFID: the FID between its reconstructions of the first n test images and those
 * images, with the classifier's features, plus the class accuracy of the reconstructions. The
 * reference features are computed once, so several tokenizers are scored against the same ones.
 */
public final class ReconstructionQuality {
  /**
   * @param rfid FID of the reconstructions against the originals
   * @param classAccuracy the classifier's accuracy on the reconstructions (originals' labels)
   * @param n images
   */
  public record Scores(double rfid, double classAccuracy, int n) {}

  private final Classifier classifier;
  private final float[] images; // (n, S, S, C) in [-1, 1]
  private final int n;
  private final int[] labels;
  private final Features reference;
  private final double referenceAccuracy;

  /**
   * Scores the first {@code n} images of {@code test} (all of them if it has fewer).
   *
   * @throws IllegalArgumentException if n is not positive
   */
  public ReconstructionQuality(Classifier classifier, ImageDataset test, int n) {
    if (n < 1) throw new IllegalArgumentException("need at least 1 image, got " + n);
    this.classifier = classifier;
    this.n = Math.min(n, test.size());
    int[] idx = IntStream.range(0, this.n).toArray();
    ClassifierConfig cc = classifier.config();
    this.images = test.toFloatBatch(idx, cc.imageSize());
    this.labels = test.labels(idx);
    Classifier.Outputs out = classifier.run(images, this.n);
    this.reference = Features.ofRowMajor(out.features(), this.n, out.featureDim());
    this.referenceAccuracy =
        ClassAccuracy.of(Features.ofRowMajor(out.probabilities(), this.n, out.classes()), labels);
  }

  /** Images scored. */
  public int n() {
    return n;
  }

  /** The reference images (n, S, S, C) in [-1, 1]; do not modify. */
  public float[] images() {
    return images;
  }

  /** The classifier's features of the reference images. */
  public Features reference() {
    return reference;
  }

  /** The classifier's accuracy on the reference images themselves. */
  public double referenceAccuracy() {
    return referenceAccuracy;
  }

  /**
   * Reconstructs the reference images with {@code tok} and scores them.
   *
   * @throws IllegalArgumentException if the tokenizer's images differ from the classifier's
   */
  public Scores score(Tokenizer tok) {
    VqVaeConfig vc = tok.config();
    ClassifierConfig cc = classifier.config();
    if (vc.imageSize() != cc.imageSize() || vc.inChannels() != cc.inChannels()) {
      throw new IllegalArgumentException(
          "tokenizer images are %s, the classifier's %s"
              .formatted(
                  ImageArrays.hwc(vc.imageSize(), vc.imageSize(), vc.inChannels()),
                  ImageArrays.hwc(cc.imageSize(), cc.imageSize(), cc.inChannels())));
    }
    return scoreImages(tok.reconstruct(images, n));
  }

  /** Scores n images given in place of the reference images (same order, same labels). */
  public Scores scoreImages(float[] recon) {
    Classifier.Outputs out = classifier.run(recon, n);
    double fid = Fid.distance(Features.ofRowMajor(out.features(), n, out.featureDim()), reference);
    double acc =
        ClassAccuracy.of(Features.ofRowMajor(out.probabilities(), n, out.classes()), labels);
    return new Scores(fid, acc, n);
  }
}
