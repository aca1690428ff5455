package io.github.var4j.io;

import io.github.var4j.io.TorchUnpickler.TensorRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensor rebuild of {@link TorchCheckpoint}: replaces every {@link TensorRef} of an unpickled
 * object by a {@link SafeTensors.Tensor} holding the dense row-major values of its view (storage,
 * offset, size, stride; views and shared storages included). float32, float16, bfloat16 and float64
 * become float32; int64, int32, int16, int8, uint8 and bool become integers.
 *
 * <p>Each container is walked once (a pickle may share one); a container that holds itself or
 * nesting deeper than {@link #MAX_DEPTH} is refused. Every storage is checked against the element
 * count of its persistent id, and every tensor's size, stride and offset against its storage,
 * before its values are allocated.
 */
final class TorchTensors {
  /** Deepest nesting of containers in a checkpoint's object (a trainer dict has 4 or 5 levels). */
  private static final int MAX_DEPTH = 200;

  /**
   * Most values of a view that repeats its storage's elements (a stride of 0, an expanded buffer):
   * 2^26.
   */
  private static final long MAX_EXPANDED = 1L << 26;

  private final Path file;
  private final TorchUnpickler u;
  private final Map<Object, Object> done = new java.util.IdentityHashMap<>();
  private final Set<Object> open =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  /** Rebuilds from the storages that {@code u} holds; messages name {@code file}. */
  TorchTensors(Path file, TorchUnpickler u) {
    this.file = file;
    this.u = u;
  }

  /**
   * {@code o} with every tensor reference inside it replaced by its values (containers are updated
   * in place).
   *
   * @param at the key path of {@code o} for messages ("" = the top level)
   */
  Object resolve(Object o, String at, int depth) throws IOException {
    if (o instanceof TensorRef t) {
      Object r = done.get(t);
      if (r == null) {
        r = rebuild(t, at);
        done.put(t, r);
      }
      return r;
    }
    if (!(o instanceof Map<?, ?> || o instanceof List<?> || o instanceof Object[])) return o;
    if (done.containsKey(o)) return o;
    if (depth > MAX_DEPTH)
      throw new IOException(
          file
              + ": damaged pickle: containers nested deeper than "
              + MAX_DEPTH
              + " at "
              + where(at));
    if (!open.add(o))
      throw new IOException(file + ": damaged pickle: a container holds itself at " + where(at));
    if (o instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> mm = (Map<Object, Object>) m;
      for (Map.Entry<Object, Object> e : mm.entrySet()) {
        String k = TorchUnpickler.shallow(e.getKey());
        e.setValue(resolve(e.getValue(), at.isEmpty() ? k : at + "." + k, depth + 1));
      }
    } else if (o instanceof List<?> l) {
      @SuppressWarnings("unchecked")
      List<Object> ll = (List<Object>) l;
      for (int i = 0; i < ll.size(); i++)
        ll.set(i, resolve(ll.get(i), at + "[" + i + "]", depth + 1));
    } else {
      Object[] a = (Object[]) o;
      for (int i = 0; i < a.length; i++) a[i] = resolve(a[i], at + "[" + i + "]", depth + 1);
    }
    open.remove(o);
    done.put(o, o);
    return o;
  }

  private static String where(String at) {
    return at.isEmpty() ? "the top level" : "'" + at + "'";
  }

  /** The dense row-major values of a view (offset, size, stride) of a storage's bytes. */
  private SafeTensors.Tensor rebuild(TensorRef t, String at) throws IOException {
    String dtype = t.dtype();
    byte[] bytes = u.storages.get(t.key());
    String storage = u.storageNames.getOrDefault(t.key(), "storage " + Excerpts.of(t.key(), 60));
    if (bytes == null)
      throw new IOException("storage " + Excerpts.of(t.key(), 60) + " is missing from " + file);
    int item = SafeTensors.itemSize(dtype);
    long numel = t.storageNumel();
    if (numel < 0 || numel > bytes.length / item || numel * item != bytes.length)
      throw new IOException(
          file
              + ": "
              + storage
              + " holds "
              + bytes.length
              + " bytes, its header says "
              + numel
              + " "
              + dtype
              + " elements (a damaged or truncated file)");
    long offset = t.offset();
    long[] size = t.size(), stride = t.stride();
    String what = "tensor " + where(at) + " of shape " + Arrays.toString(size);
    if (size.length != stride.length || offset < 0)
      throw new IOException(
          file
              + ": damaged pickle: "
              + what
              + " has the stride "
              + Arrays.toString(stride)
              + " and the offset "
              + offset);
    long n = 1, last = offset; // the number of values, the last element read
    try {
      for (int d = 0; d < size.length; d++) {
        if (size[d] < 0 || stride[d] < 0)
          throw new IOException(
              file
                  + ": damaged pickle: "
                  + what
                  + " has a negative size or stride "
                  + Arrays.toString(stride));
        n = Math.multiplyExact(n, size[d]);
        if (size[d] > 0) last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
      }
    } catch (ArithmeticException e) {
      throw new IOException(file + ": damaged pickle: " + what + " holds more than 2^63 values", e);
    }
    if (n > ZipArchive.MAX_ARRAY)
      throw new IOException(
          file + ": " + what + " holds " + n + " values, more than one Java array holds");
    if (n > 0 && last >= numel)
      throw new IOException(
          file
              + ": "
              + what
              + " (offset "
              + offset
              + ", stride "
              + Arrays.toString(stride)
              + ") reads element "
              + last
              + " of "
              + storage
              + ", which holds "
              + numel);
    if (n > numel && n > MAX_EXPANDED)
      throw new IOException(
          file
              + ": "
              + what
              + " expands the "
              + numel
              + " elements of "
              + storage
              + " to "
              + n
              + " values: refused (more than "
              + MAX_EXPANDED
              + ")");
    return dense(dtype, offset, size, stride, (int) n, bytes);
  }

  /**
   * The dense row-major values of a view whose bounds {@link #rebuild(TensorRef, String)} checked.
   */
  private static SafeTensors.Tensor dense(
      String dtype, long offset, long[] size, long[] stride, int count, byte[] bytes) {
    int item = SafeTensors.itemSize(dtype);
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    boolean isFloat = dtype.startsWith("F") || dtype.equals("BF16");
    float[] f = isFloat ? new float[count] : null;
    long[] l = isFloat ? null : new long[count];
    long[] idx = new long[size.length];
    for (int i = 0; i < count; i++) {
      long el = offset;
      for (int d = 0; d < size.length; d++) el += idx[d] * stride[d];
      int at = (int) (el * item);
      switch (dtype) {
        case "F32" -> f[i] = bb.getFloat(at);
        case "F64" -> f[i] = (float) bb.getDouble(at);
        case "BF16" -> f[i] = Float.intBitsToFloat((bb.getShort(at) & 0xffff) << 16);
        case "F16" -> f[i] = SafeTensors.halfToFloat(bb.getShort(at));
        case "I64" -> l[i] = bb.getLong(at);
        case "I32" -> l[i] = bb.getInt(at);
        case "I16" -> l[i] = bb.getShort(at);
        case "I8" -> l[i] = bb.get(at);
        default -> l[i] = bb.get(at) & 0xff;
      }
      for (int d = size.length - 1; d >= 0; d--) { // row-major increment
        if (++idx[d] < size[d]) break;
        idx[d] = 0;
      }
    }
    return new SafeTensors.Tensor(dtype, size, f, l);
  }
}
