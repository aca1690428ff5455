package io.github.var4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader and writer for NumPy {@code .npy} files (format v1.0/v2.0, C order, little-endian).
 *
 * <p>Supported dtypes: {@code <f4}, {@code <f8} (read as float), {@code <i8}, {@code <i4}, {@code
 * |u1}, {@code |b1} (read as long); written: {@code <f4}, {@code <i8}, {@code |u1}. This is the
 * format of the official parity fixtures and of var4j's {@code .npy} state dicts.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * A dense array read from a {@code .npy} file: exactly one of {@code floats} / {@code longs} is
   * non-null.
   */
  public record Array(long[] shape, String dtype, float[] floats, long[] longs) {
    public long size() {
      long n = 1;
      for (long d : shape) n *= d;
      return n;
    }

    /** Values as float (int arrays are converted). */
    public float[] asFloats() {
      if (floats != null) return floats;
      float[] out = new float[longs.length];
      for (int i = 0; i < out.length; i++) out[i] = longs[i];
      return out;
    }

    /** Values as int (float arrays must hold integers). */
    public int[] asInts() {
      int[] out = new int[(int) size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = longs != null ? Math.toIntExact(longs[i]) : (int) floats[i];
      }
      return out;
    }

    public int[] intShape() {
      return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
    }
  }

  /**
   * Reads a {@code .npy} file; throws {@link IOException} naming the file on any format problem.
   */
  public static Array read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("npy file not found: " + file, e);
    }
    return parse(bytes, file.toString());
  }

  /**
   * Parses the bytes of a {@code .npy} file; {@code what} names it in messages. Checked before
   * anything is allocated: the header length against the bytes, every dimension (a non-negative
   * integer), the number of values (at most one Java array) and the data length (exactly what the
   * shape and dtype need).
   */
  static Array parse(byte[] bytes, String what) throws IOException {
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new IOException("not a .npy file (bad magic): " + what);
    }
    int major = bytes[6];
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen;
    int pos;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(bb.getShort(8));
      pos = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) throw new IOException("truncated .npy header: " + what);
      headerLen = Integer.toUnsignedLong(bb.getInt(8));
      pos = 12;
    } else {
      throw new IOException("unsupported .npy version " + major + ": " + what);
    }
    if (pos + headerLen > bytes.length)
      throw new IOException(
          "truncated .npy header: "
              + what
              + ": the header length "
              + headerLen
              + " runs past the end of the "
              + bytes.length
              + " bytes");
    String header = new String(bytes, pos, (int) headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find())
      throw new IOException(
          "malformed .npy header in " + what + ": " + Excerpts.of(header.strip(), 200));
    if (f.group(1).equals("True"))
      throw new IOException("Fortran-order .npy is not supported: " + what);
    String descr = d.group(1);
    String[] dims =
        Arrays.stream(s.group(1).split(","))
            .map(String::trim)
            .filter(t -> !t.isEmpty())
            .toArray(String[]::new);
    long[] shape = new long[dims.length];
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      try {
        shape[i] = Long.parseLong(dims[i]);
      } catch (NumberFormatException e) {
        shape[i] = -1;
      }
      if (shape[i] < 0)
        throw new IOException(
            "malformed .npy header in "
                + what
                + ": the shape ("
                + Excerpts.of(s.group(1), 100)
                + ") has a dimension that is not a non-negative integer");
      n = shape[i] == 0 || n <= Long.MAX_VALUE / shape[i] ? n * shape[i] : Long.MAX_VALUE;
    }
    int dataStart = pos + (int) headerLen;
    bb.position(dataStart);
    int itemSize =
        switch (descr) {
          case "<f4", "<i4" -> 4;
          case "<f8", "<i8" -> 8;
          case "|b1", "|u1" -> 1;
          default ->
              throw new IOException(
                  "unsupported .npy dtype " + Excerpts.of(descr, 40) + ": " + what);
        };
    if (n > Integer.MAX_VALUE - 8)
      throw new IOException(
          "the shape ("
              + Excerpts.of(s.group(1), 100)
              + ") of "
              + what
              + " holds "
              + (n == Long.MAX_VALUE ? "more than 2^63" : Long.toString(n))
              + " values, more than one Java array holds");
    long dataLen = (long) bytes.length - dataStart;
    if (dataLen < n * itemSize) {
      throw new IOException(
          "truncated .npy data in "
              + what
              + ": expected "
              + n * itemSize
              + " bytes, found "
              + dataLen);
    }
    if (dataLen > n * itemSize)
      throw new IOException(
          "damaged .npy file "
              + what
              + ": "
              + (dataLen - n * itemSize)
              + " bytes after the "
              + n * itemSize
              + " bytes of data that the shape ("
              + Excerpts.of(s.group(1), 100)
              + ") and dtype "
              + descr
              + " need");
    int count = Math.toIntExact(n);
    switch (descr) {
      case "<f4":
        {
          float[] out = new float[count];
          bb.asFloatBuffer().get(out);
          return new Array(shape, descr, out, null);
        }
      case "<f8":
        {
          float[] out = new float[count];
          for (int i = 0; i < count; i++) out[i] = (float) bb.getDouble(dataStart + 8 * i);
          return new Array(shape, descr, out, null);
        }
      case "<i8":
        {
          long[] out = new long[count];
          bb.asLongBuffer().get(out);
          return new Array(shape, descr, null, out);
        }
      case "<i4":
        {
          long[] out = new long[count];
          for (int i = 0; i < count; i++) out[i] = bb.getInt(dataStart + 4 * i);
          return new Array(shape, descr, null, out);
        }
      default:
        {
          long[] out = new long[count];
          for (int i = 0; i < count; i++) out[i] = bytes[dataStart + i] & 0xff;
          return new Array(shape, descr, null, out);
        }
    }
  }

  /** Writes a float32 array atomically (temp file, then rename). */
  public static void writeFloats(Path file, long[] shape, float[] data) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(data);
    AtomicFiles.write(file, encode("<f4", shape, bb.array(), data.length));
  }

  /** Writes an int64 array atomically (temp file, then rename). */
  public static void writeLongs(Path file, long[] shape, long[] data) throws IOException {
    AtomicFiles.write(file, int64(shape, data));
  }

  /** The bytes of a {@code .npy} file holding an int64 array. */
  public static byte[] int64(long[] shape, long[] data) {
    ByteBuffer bb = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    bb.asLongBuffer().put(data);
    return encode("<i8", shape, bb.array(), data.length);
  }

  /** The bytes of a {@code .npy} file holding a uint8 array ({@code |u1}). */
  public static byte[] uint8(long[] shape, byte[] data) {
    return encode("|u1", shape, data, data.length);
  }

  private static byte[] encode(String descr, long[] shape, byte[] payload, int n) {
    long expect = 1;
    for (long d : shape) expect *= d;
    if (expect != n) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + expect + " values, data has " + n);
    }
    StringBuilder sh = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++)
      sh.append(shape[i]).append(shape.length == 1 ? "," : (i < shape.length - 1 ? ", " : ""));
    sh.append(")");
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream(10 + header.length() + payload.length);
    out.writeBytes(MAGIC);
    out.write(1);
    out.write(0);
    out.write(header.length() & 0xff);
    out.write((header.length() >> 8) & 0xff);
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(payload);
    return out.toByteArray();
  }
}
