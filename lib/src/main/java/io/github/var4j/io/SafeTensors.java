package io.github.var4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format (Hugging Face): an unsigned 64-bit little-endian header length, a JSON
 * header {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {..}}} (offsets relative to the end of the header), then the raw little-endian
 * data. The header is parsed with Jackson ({@link Json}); the data is memory-mapped and converted
 * tensor by tensor into Java arrays (the raw file is never copied into the heap as a whole).
 *
 * <p>Read: F32, F16, BF16 and F64 as float32 values, I64, I32, I16, I8, U8 and BOOL as integers
 * (also exposed as floats). Written: F32 and I64, the header padded with spaces to a multiple of 8
 * bytes (as the reference implementation does).
 */
public final class SafeTensors {
  private SafeTensors() {}

  /**
   * One tensor.
   *
   * @param dtype the file's dtype, e.g. "F32", "BF16", "I64"
   * @param shape its shape (PyTorch order)
   * @param floats values of a floating-point tensor (float32; F16/BF16 widened exactly), else null
   * @param longs values of an integer or boolean tensor, else null
   */
  public record Tensor(String dtype, long[] shape, float[] floats, long[] longs) {
    /** Values as float32 (integers converted). */
    public float[] asFloats() {
      if (floats != null) return floats;
      float[] out = new float[longs.length];
      for (int i = 0; i < out.length; i++) out[i] = longs[i];
      return out;
    }
  }

  /**
   * Reads every tensor of a file, in header order.
   *
   * @throws IOException naming the file: too short, a header length beyond the file, a header that
   *     is not JSON, an unknown dtype, offsets outside the data or not matching the shape
   */
  public static Map<String, Tensor> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("safetensors file not found: " + file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) throw new IOException("not a safetensors file (shorter than 8 bytes): " + file);
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000L)
        throw new IOException(
            "not a safetensors file or a truncated one: header length "
                + headerLen
                + " does not fit the file's "
                + size
                + " bytes: "
                + file);
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      while (hb.hasRemaining() && ch.read(hb, 8 + hb.position()) >= 0) {}
      JsonNode header;
      try {
        header = Json.mapper().readTree(new String(hb.array(), StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        throw new IOException(
            "safetensors header of "
                + file
                + " is not JSON: "
                + Excerpts.of(e.getOriginalMessage(), 200)
                + (e.getLocation() != null
                    ? " (column " + e.getLocation().getColumnNr() + ")"
                    : ""),
            e);
      }
      if (header == null || !header.isObject())
        throw new IOException("safetensors header of " + file + " is not a JSON object");
      long dataStart = 8 + headerLen, dataLen = size - dataStart;
      MappedByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
      data.order(ByteOrder.LITTLE_ENDIAN);
      Map<String, Tensor> out = new LinkedHashMap<>();
      TreeMap<Long, String> starts = new TreeMap<>(); // data_offsets begin -> tensor
      for (var it = header.fields(); it.hasNext(); ) {
        var e = it.next();
        if (e.getKey().equals("__metadata__")) continue;
        Tensor t = tensor(file, e.getKey(), e.getValue(), data, dataLen);
        long begin = e.getValue().get("data_offsets").get(0).asLong();
        long end = e.getValue().get("data_offsets").get(1).asLong();
        if (end > begin) {
          Map.Entry<Long, String> before = starts.floorEntry(begin);
          Map.Entry<Long, String> after = starts.ceilingEntry(begin);
          for (Map.Entry<Long, String> o : new Map.Entry[] {before, after}) {
            if (o == null) continue;
            long oBegin = o.getKey(),
                oEnd = header.get(o.getValue()).get("data_offsets").get(1).asLong();
            if (oBegin < end && begin < oEnd)
              throw new IOException(
                  "tensors '"
                      + Excerpts.of(o.getValue())
                      + "' and '"
                      + Excerpts.of(e.getKey())
                      + "' of "
                      + file
                      + " overlap: data_offsets ["
                      + oBegin
                      + ", "
                      + oEnd
                      + "] and ["
                      + begin
                      + ", "
                      + end
                      + "]");
          }
          starts.put(begin, e.getKey());
        }
        out.put(e.getKey(), t);
      }
      return out;
    }
  }

  private static Tensor tensor(Path file, String name, JsonNode h, ByteBuffer data, long dataLen)
      throws IOException {
    String what = "tensor '" + Excerpts.of(name) + "' of " + file;
    String dtype = h.path("dtype").asText();
    JsonNode shapeNode = h.path("shape"), off = h.path("data_offsets");
    if (!shapeNode.isArray() || !off.isArray() || off.size() != 2)
      throw new IOException(what + " has no shape or data_offsets");
    long[] shape = new long[shapeNode.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0)
        throw new IOException(
            what
                + " has the shape "
                + Excerpts.of(shapeNode.toString())
                + ": a dimension that is not a non-negative integer");
      shape[i] = d.asLong();
      n = shape[i] == 0 || n <= Long.MAX_VALUE / shape[i] ? n * shape[i] : Long.MAX_VALUE;
    }
    int item = itemSize(dtype);
    if (item == 0)
      throw new IOException(what + " has an unsupported dtype " + Excerpts.of(dtype, 40));
    if (n > ZipArchive.MAX_ARRAY)
      throw new IOException(
          what
              + " has the shape "
              + Arrays.toString(shape)
              + ": "
              + (n == Long.MAX_VALUE ? "more than 2^63" : Long.toString(n))
              + " values, more than one Java array holds");
    for (JsonNode o : off)
      if (!o.isIntegralNumber() || !o.canConvertToLong())
        throw new IOException(
            what + " has the data_offsets " + Excerpts.of(off.toString()) + ": not two integers");
    long begin = off.get(0).asLong(), end = off.get(1).asLong();
    if (begin < 0 || end > dataLen || end - begin != n * item)
      throw new IOException(
          what
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] do not hold "
              + Arrays.toString(shape)
              + " "
              + dtype
              + " values within the "
              + dataLen
              + " data bytes");
    int count = (int) n, at = (int) begin; // checked above: within the mapped data
    switch (dtype) {
      case "F32" -> {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) v[i] = data.getFloat(at + 4 * i);
        return new Tensor(dtype, shape, v, null);
      }
      case "F64" -> {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float) data.getDouble(at + 8 * i);
        return new Tensor(dtype, shape, v, null);
      }
      case "BF16" -> {
        float[] v = new float[count];
        for (int i = 0; i < count; i++)
          v[i] = Float.intBitsToFloat((data.getShort(at + 2 * i) & 0xffff) << 16);
        return new Tensor(dtype, shape, v, null);
      }
      case "F16" -> {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) v[i] = halfToFloat(data.getShort(at + 2 * i));
        return new Tensor(dtype, shape, v, null);
      }
      default -> {
        long[] v = new long[count];
        for (int i = 0; i < count; i++) {
          v[i] =
              switch (dtype) {
                case "I64" -> data.getLong(at + 8 * i);
                case "I32" -> data.getInt(at + 4 * i);
                case "I16" -> data.getShort(at + 2 * i);
                case "I8" -> data.get(at + i);
                default -> data.get(at + i) & 0xff; // U8, BOOL
              };
        }
        return new Tensor(dtype, shape, null, v);
      }
    }
  }

  /**
   * Bytes of one element of {@code dtype} (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL), else
   * 0.
   */
  static int itemSize(String dtype) {
    return switch (dtype) {
      case "F64", "I64" -> 8;
      case "F32", "I32" -> 4;
      case "F16", "BF16", "I16" -> 2;
      case "I8", "U8", "BOOL" -> 1;
      default -> 0;
    };
  }

  /** IEEE 754 binary16 to float32, exactly (subnormals, infinities and NaN included). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff, sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal (or zero)
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /**
   * Writes float32 tensors (and int64 ones, for {@link Tensor}s with {@code longs}) atomically.
   *
   * @param tensors name -> tensor, written in this order
   */
  public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
    ObjectNode header = Json.mapper().createObjectNode();
    List<byte[]> blobs = new ArrayList<>();
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      long n = 1;
      for (long d : t.shape()) n *= d;
      boolean isFloat = t.floats() != null;
      int len = isFloat ? t.floats().length : t.longs().length;
      if (len != n)
        throw new IllegalArgumentException(
            "tensor '%s' has shape %s but %s values"
                .formatted(e.getKey(), Arrays.toString(t.shape()), len));
      ByteBuffer bb = ByteBuffer.allocate(len * (isFloat ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
      if (isFloat) bb.asFloatBuffer().put(t.floats());
      else bb.asLongBuffer().put(t.longs());
      ObjectNode h = header.putObject(e.getKey());
      h.put("dtype", isFloat ? "F32" : "I64");
      var shape = h.putArray("shape");
      for (long d : t.shape()) shape.add(d);
      var off = h.putArray("data_offsets");
      off.add(offset);
      off.add(offset + bb.capacity());
      offset += bb.capacity();
      blobs.add(bb.array());
    }
    byte[] json =
        Json.mapper()
            .writer()
            .without(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsBytes(header);
    int pad = (8 - json.length % 8) % 8;
    ByteBuffer out =
        ByteBuffer.allocate(Math.toIntExact(8 + json.length + pad + offset))
            .order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(json.length + pad).put(json);
    for (int i = 0; i < pad; i++) out.put((byte) ' ');
    for (byte[] b : blobs) out.put(b);
    AtomicFiles.write(file, out.array());
  }
}
