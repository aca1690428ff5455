package io.github.var4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
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
 * Reads PyTorch {@code .pth} files, unpickled with {@code net.razorvine:pickle}: the zip format
 * ({@code torch.save} since 1.6: {@code <archive>/data.pkl} plus one raw little-endian file per
 * storage under {@code <archive>/data/}) and the legacy stream (pickles of a magic number, the
 * protocol version, system info, the object and its sorted storage keys, then each storage's int64
 * element count and data).
 *
 * <p><b>No code runs from a pickle</b>: only the globals that state dicts and trainer dicts use are
 * allowed ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code
 * torch._utils._rebuild_parameter}, the {@code torch.*Storage} types); any other global is an error
 * that names it. Tensors are rebuilt from their storage, offset, size and stride (views and shared
 * storages included) as dense row-major arrays: float32, float16, bfloat16 and float64 become
 * float32; int64, int32, int16, int8, uint8 and bool become integers.
 *
 * <p>The result is the unpickled object: nested {@code Map}s (string keys), {@code List}s, numbers,
 * strings and {@link SafeTensors.Tensor}s; {@link #stateDict} picks a state dict by key path.
 *
 * <p>A damaged file is an {@link IOException} that names it and the problem, never another
 * exception: the zip entries are checked against their sizes and CRC-32 ({@link ZipArchive}); every
 * length in a pickle against the bytes left, before the unpickler allocates it; the unpickler's own
 * errors on malformed opcodes are wrapped with the file, the pickle and the byte offset; every
 * storage against the element count of its persistent id, and every tensor's size, stride and
 * offset against its storage, before its values are allocated.
 */
public final class TorchCheckpoint {
  private TorchCheckpoint() {}

  /** The storage dtypes by class name, and their item size. */
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
   * {@code collections.OrderedDict}: an insertion-ordered map; the attributes pickled with a state
   * dict ({@code _metadata}: module versions) are dropped.
   */
  public static final class OrderedDict extends LinkedHashMap<Object, Object> {
    /** Called by the unpickler's BUILD with the object's attributes; ignored. */
    public void __setstate__(java.util.HashMap<?, ?> attributes) {}
  }

  /**
   * A storage named by a persistent id: its dtype, key and element count (its data is read
   * afterwards).
   */
  private record StorageRef(String dtype, String key, long numel) {}

  /** A tensor of the pickle: a view of a storage, rebuilt once the storages are read. */
  private record TensorRef(
      String dtype, String key, long storageNumel, long offset, long[] size, long[] stride) {}

  /** A storage type pushed by a GLOBAL (used inside persistent ids). */
  private record StorageType(String dtype) {}

  /**
   * Reads a {@code .pth} file.
   *
   * <p>Every sign of damage is an {@link IOException} whose one-line message names the file and the
   * problem (a truncated or damaged archive or stream, an entry that fails its CRC-32, a storage
   * shorter than its header says, a tensor that reads outside its storage or holds more values than
   * one array, a pickle that is cut short or malformed); sizes are checked against the file before
   * anything of that size is allocated.
   *
   * @throws IOException naming the file: not found, neither a zip nor a legacy stream, truncated or
   *     damaged, no {@code data.pkl}, a disallowed global, a missing storage
   */
  public static Object read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("checkpoint not found: " + file);
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 4) < 4)
        throw new IOException("not a .pth file (shorter than 4 bytes): " + file);
    }
    boolean zip = head[0] == 'P' && head[1] == 'K';
    Restricted u = new Restricted(file);
    try {
      Object root = zip ? readZip(file, u) : readLegacy(file, u);
      return new Resolver(file, u).resolve(root, "", 0);
    } finally {
      u.close();
    }
  }

  private static Object readZip(Path file, Restricted u) throws IOException {
    byte[] pkl = null;
    String pklName = "data.pkl";
    // torch writes STORED entries with data descriptors: read through the central directory
    for (Map.Entry<String, byte[]> e : ZipArchive.read(file, "zip-format .pth file").entrySet()) {
      String name = e.getKey();
      if (name.endsWith("/data.pkl") && pkl == null) {
        pkl = e.getValue();
        pklName = name;
      }
      int d = name.indexOf("/data/");
      if (d >= 0) {
        u.storages.put(name.substring(d + 6), e.getValue());
        u.storageNames.put(name.substring(d + 6), Excerpts.of(name.substring(d + 1), 80));
      }
    }
    if (pkl == null) throw new IOException("no data.pkl in the zip-format .pth file " + file);
    return u.unpickle(new PickleInput(pkl), Excerpts.of(pklName));
  }

  /** The magic number that starts a legacy (pre-1.6) torch.save stream. */
  private static final java.math.BigInteger LEGACY_MAGIC =
      new java.math.BigInteger("1950a86a20f9469cfc6c", 16);

  /**
   * The legacy stream: pickles of the magic number, the protocol version, the system info, the
   * object (storages as persistent ids), the sorted storage keys; then per key an int64 element
   * count and the raw little-endian data.
   */
  private static Object readLegacy(Path file, Restricted u) throws IOException {
    PickleInput in = new PickleInput(Files.readAllBytes(file));
    Object magic;
    try {
      magic = u.unpickle(in, "the magic number");
    } catch (IOException e) {
      magic = null;
    }
    if (!(magic instanceof Number m)
        || !new java.math.BigInteger(m.toString()).equals(LEGACY_MAGIC))
      throw new IOException(
          "not a .pth file: neither a zip archive nor a legacy torch.save stream (wrong magic"
              + " number): "
              + file);
    u.unpickle(in, "the protocol version");
    u.unpickle(in, "the system info");
    Object root = u.unpickle(in, "the object");
    Object keys = u.unpickle(in, "the storage keys");
    List<?> ks =
        keys instanceof Object[] a ? Arrays.asList(a) : keys instanceof List<?> l ? l : null;
    if (ks == null)
      throw new IOException(
          file + ": damaged legacy .pth stream: the storage keys are a " + typeName(keys));
    for (Object k : ks) {
      String key = String.valueOf(k);
      String dtype = u.dtypes.get(key);
      if (dtype == null)
        throw new IOException(
            "storage " + Excerpts.of(key) + " is not used in " + file + " (a damaged stream)");
      int item = itemSize(dtype);
      byte[] n8 = in.readNBytes(8);
      if (n8.length < 8)
        throw new IOException(
            "truncated legacy .pth file: "
                + file
                + ": it ends inside the element count of storage "
                + Excerpts.of(key));
      long numel = ByteBuffer.wrap(n8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      int left = in.available();
      if (numel < 0)
        throw new IOException(
            file
                + ": damaged legacy .pth stream: storage "
                + Excerpts.of(key)
                + " has the element count "
                + numel);
      if (numel > left / item)
        throw new IOException(
            "truncated legacy .pth file: "
                + file
                + ": storage "
                + Excerpts.of(key)
                + " of "
                + numel
                + " "
                + dtype
                + " elements needs "
                + (numel > Long.MAX_VALUE / item ? "more than 2^63" : Long.toString(numel * item))
                + " bytes, "
                + left
                + " left");
      u.storages.put(key, in.readNBytes((int) (numel * item)));
      u.storageNames.put(key, "storage " + key);
    }
    return root;
  }

  /** A pickle's bytes, with the position of the opcode being read (for messages and checks). */
  private static final class PickleInput extends java.io.ByteArrayInputStream {
    PickleInput(byte[] bytes) {
      super(bytes);
    }

    int position() {
      return pos;
    }
  }

  private static String typeName(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName();
  }

  /**
   * A short description of an unpickled value for messages: strings and numbers as they are
   * (clipped), a tuple's elements one level deep, anything else by its type (never a deep toString,
   * which a container holding itself would never finish).
   */
  private static String shallow(Object o) {
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

  private static int itemSize(String dtype) {
    return switch (dtype) {
      case "F64", "I64" -> 8;
      case "F32", "I32" -> 4;
      case "F16", "BF16", "I16" -> 2;
      default -> 1;
    };
  }

  /**
   * Replaces every tensor reference of the unpickled object by its values: each container once (a
   * pickle may share one), a container that holds itself or nesting deeper than {@link #MAX_DEPTH}
   * is refused.
   */
  private static final class Resolver {
    private final Path file;
    private final Restricted u;
    private final Map<Object, Object> done = new java.util.IdentityHashMap<>();
    private final Set<Object> open =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    Resolver(Path file, Restricted u) {
      this.file = file;
      this.u = u;
    }

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
          String k = shallow(e.getKey());
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
      int item = itemSize(dtype);
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
        throw new IOException(
            file + ": damaged pickle: " + what + " holds more than 2^63 values", e);
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
      return TorchCheckpoint.rebuild(dtype, offset, size, stride, (int) n, bytes);
    }
  }

  /** Deepest nesting of containers in a checkpoint's object (a trainer dict has 4 or 5 levels). */
  private static final int MAX_DEPTH = 200;

  /**
   * Most values of a view that repeats its storage's elements (a stride of 0, an expanded buffer):
   * 2^26.
   */
  private static final long MAX_EXPANDED = 1L << 26;

  /**
   * The state dict at a key path of a read checkpoint, e.g. {@code "trainer.var_wo_ddp"} ({@code
   * ""} = the top level): its tensors by name, in file order.
   *
   * @throws IllegalArgumentException naming the missing key and the keys that exist
   */
  public static Map<String, SafeTensors.Tensor> stateDict(Object root, String keyPath) {
    Object node = root;
    String at = "";
    if (!keyPath.isEmpty()) {
      for (String k : keyPath.split("\\.")) {
        if (!(node instanceof Map<?, ?> m) || !m.containsKey(k))
          throw new IllegalArgumentException(
              "no key '"
                  + k
                  + "' at '"
                  + at
                  + "'"
                  + (node instanceof Map<?, ?> m2 ? "; keys there: " + m2.keySet() : ""));
        node = m.get(k);
        at = at.isEmpty() ? k : at + "." + k;
      }
    }
    if (!(node instanceof Map<?, ?> m))
      throw new IllegalArgumentException("'" + keyPath + "' is not a dict");
    Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (e.getValue() instanceof SafeTensors.Tensor t) out.put(String.valueOf(e.getKey()), t);
    }
    if (out.isEmpty())
      throw new IllegalArgumentException("'" + keyPath + "' holds no tensors; keys: " + m.keySet());
    return out;
  }

  /** An unpickler with an allow-list of globals and torch's persistent storages. */
  private static final class Restricted extends Unpickler {
    private final Path file;
    final Map<String, byte[]> storages = new LinkedHashMap<>();
    final Map<String, String> storageNames = new LinkedHashMap<>(); // key -> "data/3" for messages
    final Map<String, String> dtypes = new LinkedHashMap<>();

    Restricted(Path file) {
      this.file = file;
    }

    /**
     * Unpickles one pickle of {@code in}: every error of the unpickler (its own, an exception of
     * its internals on malformed opcodes, the end of the bytes) becomes an {@link IOException}
     * naming the file, the pickle and the byte offset of the opcode that failed.
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
        case "OrderedDict" -> (IObjectConstructor) args -> new OrderedDict();
        case "_rebuild_parameter" ->
            (IObjectConstructor)
                args -> {
                  if (args.length < 1)
                    throw new PickleException("_rebuild_parameter without arguments");
                  return args[0];
                };
        default -> (IObjectConstructor) TorchCheckpoint::rebuildTensor;
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

  /** The dense row-major values of a view whose bounds {@link Resolver#rebuild} checked. */
  private static SafeTensors.Tensor rebuild(
      String dtype, long offset, long[] size, long[] stride, int count, byte[] bytes) {
    int item = itemSize(dtype);
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
}
