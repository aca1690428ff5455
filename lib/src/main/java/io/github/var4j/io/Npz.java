package io.github.var4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} archives: a zip of {@code .npy} files, one per array, named {@code <key>.npy}
 * ({@code np.savez(file, a, b)} names them {@code arr_0}, {@code arr_1}). Read through {@link Npy}
 * and {@code java.util.zip} (checked by {@link ZipArchive}); written deflated (as {@code
 * np.savez_compressed}, which {@code np.load} reads like any npz), atomically.
 *
 * <p>(The one Java npz library on Maven Central, {@code org.jetbrains.bio:npy}, has a single
 * release, 0.3.5, and would bring Kotlin's runtime and a second npy reader beside ours.)
 */
public final class Npz {
  private Npz() {}

  /**
   * Reads every array of an archive, in file order, by key (the entry name without {@code .npy}).
   * The archive is read through its central directory and every entry is checked against its size
   * and CRC-32 ({@link ZipArchive}), so a truncated or damaged archive is an error.
   *
   * @throws IOException naming the file: not found, not a zip, truncated or damaged, an entry that
   *     is not a {@code .npy}
   */
  public static Map<String, Npy.Array> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("npz file not found: " + file);
    Map<String, Npy.Array> out = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : ZipArchive.read(file, ".npz (zip) file").entrySet()) {
      String name = e.getKey();
      if (!name.endsWith(".npy"))
        throw new IOException("npz entry " + Excerpts.of(name) + " is not a .npy file: " + file);
      out.put(
          name.substring(0, name.length() - 4),
          Npy.parse(e.getValue(), file + ":" + Excerpts.of(name)));
    }
    if (out.isEmpty()) throw new IOException("not an .npz file or an empty one: " + file);
    return out;
  }

  /**
   * Writes an archive atomically (temp file, then rename).
   *
   * @param arrays key -> the bytes of a {@code .npy} file ({@link Npy#uint8}, {@link Npy#int64})
   */
  public static void write(Path file, Map<String, byte[]> arrays) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(buf)) {
      for (Map.Entry<String, byte[]> a : arrays.entrySet()) {
        zip.putNextEntry(new ZipEntry(a.getKey() + ".npy"));
        zip.write(a.getValue());
        zip.closeEntry();
      }
    }
    AtomicFiles.write(file, buf.toByteArray());
  }
}
