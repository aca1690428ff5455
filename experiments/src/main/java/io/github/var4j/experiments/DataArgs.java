package io.github.var4j.experiments;

import io.github.var4j.data.DataSplit;
import io.github.var4j.data.Datasets;
import io.github.var4j.data.ImageFolderDataset;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Resolves the {@code --data} argument: fashion-mnist, mnist, or an image folder (split 6/7 train
 * per class).
 */
final class DataArgs {
  private DataArgs() {}

  static DataSplit load(String data, int imageSize) throws IOException {
    return switch (data) {
      case "fashion-mnist" -> Datasets.fashionMnist();
      case "mnist" -> Datasets.mnist();
      default -> DataSplit.fraction(ImageFolderDataset.load(Path.of(data), imageSize, 1), 6, 7);
    };
  }
}
