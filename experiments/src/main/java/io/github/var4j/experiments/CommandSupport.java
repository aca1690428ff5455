package io.github.var4j.experiments;

import io.github.var4j.data.FashionMnist;
import io.github.var4j.data.Mnist;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What several commands do alike: open the tokenizer and VAR of {@link ModelArgs}, name the classes
 * of a data set, write a figure and print its path. Commands share these, never each other.
 */
final class CommandSupport {
  private CommandSupport() {}

  /**
   * Loads the tokenizer and VAR of {@code models} into one sampler and prints what they are. Checks
   * them first ({@link ModelArgs#check}: usage errors that say what is missing).
   */
  static VarSampler openSampler(ModelArgs models, String prefix) throws IOException {
    VarConfig varCfg = models.check();
    VqVaeConfig vaeCfg = models.tokenizerConfig();
    long t = System.nanoTime();
    VarSampler s =
        VarSampler.load(
            varCfg,
            StateDict.loadNpyDir(models.var),
            vaeCfg,
            StateDict.loadNpyDir(models.tokenizer));
    System.out.printf(
        Locale.ROOT,
        "%s tokenizer %s: V=%d, Cvae=%d, %dx%d px, patchNums %s%n",
        prefix,
        models.tokenizer,
        vaeCfg.vocabSize(),
        vaeCfg.zChannels(),
        vaeCfg.imageSize(),
        vaeCfg.imageSize(),
        vaeCfg.patchNums());
    System.out.printf(
        Locale.ROOT,
        "%s VAR %s: %s, %,d parameters (loaded in %.1f s)%n",
        prefix,
        models.var,
        varCfg.describe(),
        varCfg.numParams(),
        (System.nanoTime() - t) / 1e9);
    return s;
  }

  /**
   * Class names of a data set (Fashion-MNIST, MNIST, or the sorted sub-folders of an image folder)
   * plus "unconditional" for the null class, or null (labels shown as numbers, with a line that
   * says so) when their number is not the model's {@code numClasses}.
   */
  static List<String> classNames(String data, int numClasses, String prefix) throws IOException {
    List<String> names;
    if (data.equals("fashion-mnist")) {
      names = FashionMnist.CLASS_NAMES;
    } else if (data.equals("mnist")) {
      names = Mnist.CLASS_NAMES;
    } else {
      Path root = Path.of(data);
      if (!Files.isDirectory(root)) return null;
      try (Stream<Path> s = Files.list(root)) {
        names =
            s.filter(Files::isDirectory)
                .map(p -> p.getFileName().toString())
                .filter(n -> !n.startsWith("."))
                .sorted()
                .toList();
      }
    }
    if (names.size() != numClasses) {
      System.out.println(
          prefix
              + " "
              + data
              + " has "
              + names.size()
              + " classes, the VAR "
              + numClasses
              + ": labels shown as numbers");
      return null;
    }
    List<String> out = new ArrayList<>(names);
    out.add("unconditional");
    return out;
  }

  /** The name of class {@code c}, or "class c" without names. */
  static String className(List<String> names, int c) {
    return names != null && c >= 0 && c < names.size() ? names.get(c) : "class " + c;
  }

  /** Writes a PNG as {@code dir/name} and prints its path and size. */
  static Path writeFigure(BufferedImage img, Path dir, String name, String prefix)
      throws IOException {
    Path p = dir.resolve(name);
    Images.writePng(img, p);
    System.out.println(
        prefix + " wrote " + p + " (" + img.getWidth() + "x" + img.getHeight() + ")");
    return p;
  }

  /** "top-p 0.96, seed 0" (+ top-k, smooth when on): the sampling settings of a figure title. */
  static String settings(int topK, double topP, boolean moreSmooth, long seed) {
    StringBuilder sb = new StringBuilder();
    if (topK > 0) sb.append("top-k ").append(topK).append(", ");
    if (topP > 0) sb.append("top-p ").append(trim(topP)).append(", ");
    if (moreSmooth) sb.append("smooth, ");
    return sb.append("seed ").append(seed).toString();
  }

  /** A number without trailing zeros: 1.5, 3, 0.96. */
  static String trim(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
