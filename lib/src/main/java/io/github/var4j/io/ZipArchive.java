package io.github.var4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads every entry of a (small) zip archive into memory, through its central directory, and checks
 * each one: its size against the file (a stored entry) or against the most that deflate can expand
 * (1032:1), before reading it; the bytes read against the announced size; and the CRC-32 of the
 * bytes against the directory's (unless the directory's is 0, which {@code torch.save} writes when
 * told not to compute it). So a damaged archive is an {@link IOException} that names the file and
 * the entry, and a flipped byte that is read without an error did not matter.
 *
 * <p>The errors of {@code java.util.zip} (a {@link ZipException}, an {@link EOFException}, an
 * {@link IllegalArgumentException} for a malformed entry name) are wrapped into an {@link
 * IOException} naming the file.
 */
final class ZipArchive {
  private ZipArchive() {}

  /** The largest Java array. */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** The largest expansion of deflate (1032:1), plus slack for tiny entries. */
  private static final long MAX_DEFLATE_RATIO = 1032;

  /**
   * The entries by name, in directory order.
   *
   * @param kind what the archive should be, for messages (e.g. "zip-format .pth file")
   */
  static Map<String, byte[]> read(Path file, String kind) throws IOException {
    long fileSize = Files.size(file);
    Map<String, byte[]> out = new LinkedHashMap<>();
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException | EOFException | IllegalArgumentException e) {
      throw new IOException(
          file + ": not a " + kind + " or a truncated one (" + problem(e) + ")", e);
    }
    try (zip) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (true) {
        ZipEntry e;
        try {
          if (!entries.hasMoreElements()) break;
          e = entries.nextElement();
        } catch (IllegalArgumentException x) {
          throw new IOException(file + ": damaged " + kind + " (" + problem(x) + ")", x);
        }
        out.put(e.getName(), entry(zip, e, file, fileSize, kind));
      }
    }
    return out;
  }

  private static byte[] entry(ZipFile zip, ZipEntry e, Path file, long fileSize, String kind)
      throws IOException {
    String name = Excerpts.of(e.getName());
    long size = e.getSize(), csize = e.getCompressedSize();
    if (size < 0 || size > MAX_ARRAY)
      throw new IOException(
          file + ": entry " + name + " announces " + size + " bytes, more than one array holds");
    boolean stored = e.getMethod() == ZipEntry.STORED;
    if (stored ? size > fileSize : size > MAX_DEFLATE_RATIO * Math.max(csize, 0) + 1024)
      throw new IOException(
          file
              + ": entry "
              + name
              + " announces "
              + size
              + " bytes from "
              + csize
              + " compressed ones in a file of "
              + fileSize
              + " bytes (a damaged "
              + kind
              + ")");
    byte[] bytes;
    boolean more;
    try (InputStream in = zip.getInputStream(e)) {
      bytes = in.readNBytes((int) size); // grows with what is read, not with what is announced
      more = in.read() >= 0;
    } catch (ZipException | EOFException | IllegalArgumentException x) {
      throw new IOException(
          file + ": entry " + name + " of the " + kind + " is damaged (" + problem(x) + ")", x);
    }
    if (bytes.length != size || more)
      throw new IOException(
          file
              + ": entry "
              + name
              + " holds "
              + (more ? "more than " + size : bytes.length)
              + " bytes, the directory says "
              + size
              + " (a damaged or truncated "
              + kind
              + ")");
    if (e.getCrc() > 0) {
      CRC32 crc = new CRC32();
      crc.update(bytes);
      if (crc.getValue() != e.getCrc())
        throw new IOException(
            file
                + ": entry "
                + name
                + " fails its CRC-32 check ("
                + Long.toHexString(crc.getValue())
                + ", the directory says "
                + Long.toHexString(e.getCrc())
                + "): a damaged "
                + kind);
    }
    return bytes;
  }

  /** The message of a {@code java.util.zip} error, or its class if it has none. */
  private static String problem(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + Excerpts.of(m);
  }
}
