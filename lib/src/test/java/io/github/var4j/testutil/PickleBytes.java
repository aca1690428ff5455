package io.github.var4j.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes (protocol 2) by hand, for tests that need a {@code .pth} file with a chosen
 * header: a state dict whose tensor announces a huge size, a string whose length runs past the end,
 * and so on.
 */
public final class PickleBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** {@code PROTO 2}. */
  public PickleBytes proto() {
    return raw(0x80, 2);
  }

  /** Raw bytes (opcodes and arguments). */
  public PickleBytes raw(int... bytes) {
    for (int b : bytes) out.write(b);
    return this;
  }

  /** {@code GLOBAL module name}. */
  public PickleBytes global(String module, String name) {
    out.write('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** {@code MARK}. */
  public PickleBytes mark() {
    return raw('(');
  }

  /** {@code BINUNICODE}: a string with its 4-byte length. */
  public PickleBytes str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    int32(b.length);
    out.writeBytes(b);
    return this;
  }

  /** {@code BININT} if the value fits 32 bits, else {@code LONG1} with 8 bytes. */
  public PickleBytes integer(long v) {
    if (v == (int) v) {
      out.write('J');
      int32((int) v);
    } else {
      raw(0x8a, 8);
      for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)) & 0xff);
    }
    return this;
  }

  /** A tuple of integers: {@code MARK ints... TUPLE}. */
  public PickleBytes ints(long... values) {
    mark();
    for (long v : values) integer(v);
    return raw('t');
  }

  /** {@code TUPLE} (since the last mark). */
  public PickleBytes tuple() {
    return raw('t');
  }

  /** {@code REDUCE}. */
  public PickleBytes reduce() {
    return raw('R');
  }

  /** {@code STOP}. */
  public PickleBytes stop() {
    return raw('.');
  }

  /** A little-endian int32 (an opcode's argument). */
  public PickleBytes int32(int v) {
    for (int i = 0; i < 4; i++) out.write((v >>> (8 * i)) & 0xff);
    return this;
  }

  /** {@code collections.OrderedDict()}. */
  public PickleBytes orderedDict() {
    return global("collections", "OrderedDict").raw(')').reduce();
  }

  /**
   * {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} of a float32
   * storage {@code key} of {@code numel} elements (persistent id).
   */
  public PickleBytes tensor(String key, long numel, long offset, long[] size, long[] stride) {
    global("torch._utils", "_rebuild_tensor_v2").mark();
    mark().str("storage").global("torch", "FloatStorage").str(key).str("cpu").integer(numel);
    tuple().raw('Q'); // BINPERSID
    integer(offset).ints(size).ints(stride).raw(0x89); // NEWFALSE
    orderedDict();
    return tuple().reduce();
  }

  /** A whole pickle: an OrderedDict {name: tensor} (see {@link #tensor}). */
  public static byte[] stateDict(
      String name, String key, long numel, long offset, long[] size, long[] stride) {
    return new PickleBytes()
        .proto()
        .orderedDict()
        .str(name)
        .tensor(key, numel, offset, size, stride)
        .raw('s') // SETITEM
        .stop()
        .bytes();
  }

  public byte[] bytes() {
    return out.toByteArray();
  }
}
