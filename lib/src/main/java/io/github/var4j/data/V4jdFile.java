package io.github.var4j.data;

import io.github.var4j.io.AtomicFiles;
import io.github.var4j.util.ImageArrays;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader/writer of the compact {@code .v4jd} image-dataset format (all integers big-endian, as
 * {@link java.io.DataOutputStream} writes them):
 *
 * <pre>
 * bytes   "V4JD"                       magic (4 ASCII bytes)
 * int32   version = 1
 * int32   n                            number of images
 * int32   h, w, c                      image height, width, channels (c = 1 grey or 3 RGB)
 * int32   numClasses                   1..255
 * UTF     className[numClasses]        each as DataOutputStream.writeUTF (uint16 length + modified UTF-8)
 * uint8   label[n]                     in [0, numClasses)
 * uint8   pixel[n*h*w*c]               NHWC, row-major, 0..255
 * (end of file: no trailing bytes)
 * </pre>
 *
 * {@link #read(Path)} validates every field and the exact file length, and throws an {@link
 * IOException} whose message names the file and the problem (bad magic, unsupported version, bad
 * size, label out of range, truncated, trailing bytes). {@link #write(ImageDataset, Path)} writes
 * to a temporary file next to the target and renames it, so readers never see a half-written file.
 */
public final class V4jdFile {

  public static final byte[] MAGIC = {'V', '4', 'J', 'D'};
  public static final int VERSION = 1;

  private V4jdFile() {}

  /**
   * Writes {@code ds} to {@code file} atomically (temp file in the same directory, then rename).
   */
  public static void write(ImageDataset ds, Path file) throws IOException {
    AtomicFiles.write(
        file,
        os -> {
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
          out.write(MAGIC);
          out.writeInt(VERSION);
          out.writeInt(ds.size());
          out.writeInt(ds.height());
          out.writeInt(ds.width());
          out.writeInt(ds.channels());
          out.writeInt(ds.numClasses());
          for (String name : ds.classNames()) out.writeUTF(name);
          int[] labels = ds.labelsView();
          byte[] lb = new byte[labels.length];
          for (int i = 0; i < labels.length; i++) lb[i] = (byte) labels[i];
          out.write(lb);
          out.write(ds.pixelsView());
          out.flush();
        });
  }

  /** Reads and validates a {@code .v4jd} file. */
  public static ImageDataset read(Path file) throws IOException {
    long fileLen;
    try {
      fileLen = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "v4jd file does not exist");
    }
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      byte[] magic = new byte[4];
      readFully(in, magic, file, "magic");
      if (magic[0] != MAGIC[0]
          || magic[1] != MAGIC[1]
          || magic[2] != MAGIC[2]
          || magic[3] != MAGIC[3])
        throw fail(
            file, "bad magic: expected \"V4JD\", got bytes " + hex(magic) + " (not a .v4jd file)");
      int version = readInt(in, file, "version");
      if (version != VERSION)
        throw fail(
            file, "unsupported version " + version + " (this reader supports " + VERSION + ")");
      int n = readInt(in, file, "n");
      int h = readInt(in, file, "h");
      int w = readInt(in, file, "w");
      int c = readInt(in, file, "c");
      int numClasses = readInt(in, file, "numClasses");
      if (n < 0) throw fail(file, "bad header: n = " + n + " is negative");
      if (h <= 0 || w <= 0)
        throw fail(file, "bad header: image size h=" + h + " w=" + w + " must be positive");
      if (c != 1 && c != 3) throw fail(file, "bad header: channels c=" + c + " must be 1 or 3");
      if (numClasses <= 0 || numClasses > 255)
        throw fail(file, "bad header: numClasses=" + numClasses + " must be in [1, 255]");
      long pixelBytes;
      try { // h * w alone may reach 2^62: the product must not wrap around
        pixelBytes = Math.multiplyExact(Math.multiplyExact((long) n * h, (long) w), (long) c);
      } catch (ArithmeticException e) {
        pixelBytes = Long.MAX_VALUE;
      }
      if (pixelBytes > Integer.MAX_VALUE - 16)
        throw fail(
            file,
            "bad header: n*h*w*c = "
                + n
                + "*"
                + h
                + "*"
                + w
                + "*"
                + c
                + " = "
                + (pixelBytes == Long.MAX_VALUE ? "more than 2^63" : Long.toString(pixelBytes))
                + " bytes is too large for one array");
      List<String> names = new ArrayList<>(numClasses);
      long headerLen = 4 + 6 * 4;
      for (int k = 0; k < numClasses; k++) {
        String name;
        try {
          name = in.readUTF();
        } catch (EOFException e) {
          throw fail(file, "truncated: file ends inside class name " + k + " of " + numClasses);
        } catch (UTFDataFormatException e) {
          throw fail(file, "corrupt class name " + k + ": " + e.getMessage());
        }
        names.add(name);
        headerLen += 2 + modifiedUtf8Length(name);
      }
      long expected = headerLen + n + pixelBytes;
      String images = "n=" + n + " images of " + ImageArrays.hwc(h, w, c);
      if (fileLen < expected)
        throw fail(
            file,
            "truncated: header says "
                + images
                + " so the file must have "
                + expected
                + " bytes, but it has "
                + fileLen);
      if (fileLen > expected)
        throw fail(
            file,
            "corrupt: "
                + (fileLen - expected)
                + " trailing bytes after the pixel data (expected "
                + expected
                + " bytes for "
                + images
                + ", file has "
                + fileLen
                + ")");
      byte[] lb = new byte[n];
      readFully(in, lb, file, "labels");
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = lb[i] & 0xFF;
        if (labels[i] >= numClasses)
          throw fail(
              file,
              "corrupt: label of image "
                  + i
                  + " is "
                  + labels[i]
                  + ", outside [0, "
                  + numClasses
                  + ")");
      }
      byte[] pixels = new byte[(int) pixelBytes];
      readFully(in, pixels, file, "pixels");
      return new ImageDataset(n, h, w, c, names, labels, pixels, false);
    }
  }

  private static int modifiedUtf8Length(String s) {
    int len = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      len += (ch >= 1 && ch <= 0x7F) ? 1 : (ch <= 0x7FF ? 2 : 3);
    }
    return len;
  }

  private static int readInt(DataInputStream in, Path file, String what) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw fail(file, "truncated: file ends inside the header field '" + what + "'");
    }
  }

  private static void readFully(DataInputStream in, byte[] dst, Path file, String what)
      throws IOException {
    try {
      in.readFully(dst);
    } catch (EOFException e) {
      throw fail(file, "truncated: file ends inside the " + what);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x & 0xFF));
    return sb.toString();
  }

  private static IOException fail(Path file, String problem) {
    return new IOException("invalid v4jd file " + file + ": " + problem);
  }

  /**
   * Reads a data set file that {@code scripts/fetch-data.sh} made; a missing or corrupt file is an
   * IOException that names {@code what} and says how to (re)create it.
   */
  public static ImageDataset readCached(Path f, String what) throws IOException {
    if (!Files.isRegularFile(f))
      throw new IOException(what + " not found at " + f + ": run scripts/fetch-data.sh");
    try {
      return read(f);
    } catch (IOException e) {
      throw new IOException(e.getMessage() + " (delete it and run scripts/fetch-data.sh)", e);
    }
  }
}
