package io.github.var4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * The pickle machine of {@link TorchCheckpoint}: an unpickler with an allow-list of globals and
 * torch's persistent storages. <b>No code runs from a pickle</b>: {@code collections.OrderedDict},
 * {@code torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_parameter} and the {@code
 * torch.*Storage} types are the only globals; any other is an error that names it.
 *
 * <p>A tensor of the pickle becomes a {@link TensorRef} (dtype, storage key, storage element count,
 * offset, size, stride) whose values {@link TorchTensors} rebuilds once the container has put the
 * storages' bytes into {@link #storages}. Every length an opcode announces is checked against the
 * bytes left before the unpickler allocates it, and every error of the unpickler is an {@link
 * IOException} naming the file, the pickle and the byte offset.
 */
final class TorchUnpickler extends Unpickler {
  /** The storage dtypes by class name. */
  private static final Map<String, String> STORAGES =
      Map.ofEntries(
          Map.entry("FloatStorage", "F32"),
          Map.entry("HalfStorage", "F16"),
          Map.entry("BFloat16Storage", "BF16"),
          Map.entry("DoubleStorage", "F64"),
          Map.entry("LongStorage", "I64"),
          Map.entry("IntStorage", "I32"),
          Map.entry("ShortStorage", "I16"),
          Map.entry("CharStorage", "I8"),
          Map.entry("ByteStorage", "U8"),
          Map.entry("BoolStorage", "BOOL"));

  private static final Set<String> CALLABLES =
      Set.of(
          "collections OrderedDict",
          "torch._utils _rebuild_tensor_v2",
          "torch._utils _rebuild_parameter");

  /**
   * A storage named by a persistent id: its dtype, key and element count (its data is read
   * afterwards).
   */
  private record StorageRef(String dtype, String key, long numel) {}

  /** A tensor of the pickle: a view of a storage, rebuilt once the storages are read. */
  record TensorRef(
      String dtype, String key, long storageNumel, long offset, long[] size, long[] stride) {}

  /** A storage type pushed by a GLOBAL (used inside persistent ids). */
  private record StorageType(String dtype) {}

  /** A pickle's bytes, with the position of the opcode being read (for messages and checks). */
  static final class PickleInput extends java.io.ByteArrayInputStream {
    PickleInput(byte[] bytes) {
      super(bytes);
    }

    int position() {
      return pos;
    }
  }

  private final Path file;

  /** The storages' raw little-endian bytes by key, put by the container reader. */
  final Map<String, byte[]> storages = new LinkedHashMap<>();

  /** The storages' names for messages by key, e.g. "data/3". */
  final Map<String, String> storageNames = new LinkedHashMap<>();

  /** The dtype of every storage key the pickle used. */
  final Map<String, String> dtypes = new LinkedHashMap<>();

  TorchUnpickler(Path file) {
    this.file = file;
  }

  /**
   * Unpickles one pickle of {@code in}: every error of the unpickler (its own, an exception of its
   * internals on malformed opcodes, the end of the bytes) becomes an {@link IOException} naming the
   * file, the pickle and the byte offset of the opcode that failed.
   */
  Object unpickle(PickleInput in, String what) throws IOException {
    int start = in.position();
    try {
      return load(in);
    } catch (PickleException e) {
      throw new IOException(
          "cannot unpickle "
              + what
              + " of "
              + file
              + ": "
              + Excerpts.of(e.getMessage(), 300)
              + " (byte "
              + (in.position() - start)
              + ")",
          e);
    } catch (IOException e) {
      throw new IOException(
          file
              + ": truncated pickle "
              + what
              + ": "
              + Excerpts.of(e.getMessage())
              + " (byte "
              + (in.position() - start)
              + ")",
          e);
    } catch (RuntimeException e) { // malformed opcodes: a stack underflow, a wrong type...
      throw new IOException(
          file
              + ": damaged pickle "
              + what
              + " at byte "
              + (in.position() - start)
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + Excerpts.of(e.getMessage()),
          e);
    }
  }

  /** Bytes of the length argument of opcodes that read that many bytes next, else 0. */
  private static int lengthBytes(short key) {
    return switch (key) {
      case 'U', 'C', 0x8a, 0x8c -> 1; // SHORT_BINSTRING, SHORT_BINBYTES, LONG1, SHORT_BINUNICODE
      case 'T', 'B', 'X', 0x8b -> 4; // BINSTRING, BINBYTES, BINUNICODE, LONG4
      case 0x8d, 0x8e, 0x96 -> 8; // BINUNICODE8, BINBYTES8, BYTEARRAY8
      default -> 0;
    };
  }

  @Override
  protected Object dispatch(short key) throws PickleException, IOException {
    int lb = lengthBytes(key);
    if (lb > 0) { // refuse a length past the end before the unpickler allocates it
      input.mark(8);
      byte[] b = input.readNBytes(lb);
      input.reset();
      if (b.length < lb)
        throw new PickleException(String.format("the pickle ends inside opcode 0x%02x", key));
      ByteBuffer bb = ByteBuffer.wrap(Arrays.copyOf(b, 8)).order(ByteOrder.LITTLE_ENDIAN);
      long len = lb == 1 ? b[0] & 0xff : lb == 4 ? bb.getInt(0) : bb.getLong(0);
      long left = input.available() - lb;
      if (len < 0 || len > left)
        throw new PickleException(
            String.format(
                "opcode 0x%02x announces %d bytes, %d are left in the pickle", key, len, left));
    }
    if (key == 'c') { // GLOBAL: module \n name \n
      String module = PickleUtils.readline(input), name = PickleUtils.readline(input);
      stack.add(global(module, name));
      return NO_RETURN_VALUE;
    }
    if (key == 'i') { // INST: module \n name \n, then a class instance from the marked args
      String module = PickleUtils.readline(input), name = PickleUtils.readline(input);
      global(module, name); // an allowed global is a function: INST is never valid here
      throw new PickleException("INST of " + module + "." + name + " is not a state dict");
    }
    if (key == 0x93) { // STACK_GLOBAL
      Object name = stack.pop(), module = stack.pop();
      if (!(name instanceof String n) || !(module instanceof String m))
        throw new PickleException(
            "STACK_GLOBAL of a " + typeName(module) + " and a " + typeName(name));
      stack.add(global(m, n));
      return NO_RETURN_VALUE;
    }
    return super.dispatch(key);
  }

  private Object global(String module, String name) {
    if (module.equals("torch") && STORAGES.containsKey(name))
      return new StorageType(STORAGES.get(name));
    String g = module + " " + name;
    if (!CALLABLES.contains(g))
      throw new PickleException(
          "the pickle refers to the global "
              + Excerpts.of(module, 60)
              + "."
              + Excerpts.of(name, 60)
              + ", which a state dict does not need: refused (no code runs from a checkpoint)");
    return switch (name) {
      case "OrderedDict" -> (IObjectConstructor) args -> new TorchCheckpoint.OrderedDict();
      case "_rebuild_parameter" ->
          (IObjectConstructor)
              args -> {
                if (args.length < 1)
                  throw new PickleException("_rebuild_parameter without arguments");
                return args[0];
              };
      default -> (IObjectConstructor) TorchUnpickler::rebuildTensor;
    };
  }

  @Override
  protected Object persistentLoad(Object pid) {
    // ('storage', storage_type, key, location, numel[, view_metadata])
    Object[] t =
        pid instanceof Object[] a ? a : pid instanceof List<?> l ? l.toArray() : new Object[0];
    if (t.length < 5
        || !"storage".equals(t[0])
        || !(t[1] instanceof StorageType st)
        || !(t[2] instanceof String key)
        || !(t[4] instanceof Number numel))
      throw new PickleException("unexpected persistent id " + shallow(t));
    String before = dtypes.putIfAbsent(key, st.dtype());
    if (before != null && !before.equals(st.dtype()))
      throw new PickleException(
          "storage " + Excerpts.of(key, 60) + " is both " + before + " and " + st.dtype());
    return new StorageRef(st.dtype(), key, numel.longValue());
  }

  /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, meta]). */
  private static Object rebuildTensor(Object[] args) {
    if (args.length < 4
        || !(args[0] instanceof StorageRef s)
        || !(args[1] instanceof Number offset))
      throw new PickleException(
          "_rebuild_tensor_v2 of "
              + shallow(args)
              + ": expected a storage, an offset, a size and a stride");
    return new TensorRef(
        s.dtype(), s.key(), s.numel(), offset.longValue(), longs(args[2]), longs(args[3]));
  }

  /** A tuple (or list) of integers, e.g. a size or a stride. */
  private static long[] longs(Object tuple) {
    Object[] t = tuple instanceof Object[] a ? a : tuple instanceof List<?> l ? l.toArray() : null;
    if (t == null)
      throw new PickleException("expected a tuple of integers, got a " + typeName(tuple));
    long[] out = new long[t.length];
    for (int i = 0; i < t.length; i++) {
      if (!(t[i] instanceof Number n)
          || t[i] instanceof Double
          || t[i] instanceof java.math.BigInteger b && b.bitLength() > 63)
        throw new PickleException("expected a tuple of integers, got " + shallow(t));
      out[i] = n.longValue();
    }
    return out;
  }

  /** The Python-ish name of an unpickled value's type for messages ("None" for null). */
  static String typeName(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName();
  }

  /**
   * A short description of an unpickled value for messages: strings and numbers as they are
   * (clipped), a tuple's elements one level deep, anything else by its type (never a deep toString,
   * which a container holding itself would never finish).
   */
  static String shallow(Object o) {
    if (o instanceof String str) return Excerpts.of(str, 60);
    if (o instanceof Number || o instanceof Boolean || o == null) return String.valueOf(o);
    if (o instanceof Object[] a) {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < Math.min(a.length, 8); i++)
        sb.append(i > 0 ? ", " : "").append(a[i] instanceof Object[] ? "tuple" : shallow(a[i]));
      return sb.append(a.length > 8 ? ", ...)" : ")").toString();
    }
    return typeName(o);
  }
}
