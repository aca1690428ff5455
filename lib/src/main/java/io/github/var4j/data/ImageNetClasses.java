package io.github.var4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 1,000 ImageNet-1k class names, by class index (the labels of the released VAR models). The
 * table ships as the resource {@code imagenet-classes.txt}, converted once from the {@code
 * IMAGENET_CLASSES} table of the npm package {@code @tensorflow-models/mobilenet@2.1.1}
 * (Apache-2.0) by {@code scripts/convert-imagenet-classes.sh}. Each name lists synonyms separated
 * by ", " (e.g. "lesser panda, red panda, panda, bear cat, cat bear, Ailurus fulgens").
 */
public final class ImageNetClasses {
  /** Number of classes. */
  public static final int COUNT = 1000;

  private static final List<String> NAMES = load();

  private ImageNetClasses() {}

  /** All names, index = class id. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The full name of class {@code id}, synonyms included.
   *
   * @throws IllegalArgumentException if id is outside 0..999
   */
  public static String name(int id) {
    if (id < 0 || id >= COUNT)
      throw new IllegalArgumentException("ImageNet class id must be in 0..999, got " + id);
    return NAMES.get(id);
  }

  /** The first synonym of class {@code id} (e.g. "lesser panda"). */
  public static String shortName(int id) {
    String n = name(id);
    int comma = n.indexOf(", ");
    return comma < 0 ? n : n.substring(0, comma);
  }

  private static List<String> load() {
    List<String> out = new ArrayList<>(COUNT);
    try (InputStream in = ImageNetClasses.class.getResourceAsStream("imagenet-classes.txt")) {
      if (in == null) throw new IllegalStateException("resource imagenet-classes.txt is missing");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) if (!line.startsWith("#")) out.add(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.size() != COUNT) {
      throw new IllegalStateException(
          "imagenet-classes.txt has " + out.size() + " classes, expected " + COUNT);
    }
    return List.copyOf(out);
  }
}
