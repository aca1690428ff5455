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
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
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

  /** A storage named by a persistent id: its dtype and key (its data is read afterwards). */
  private record StorageRef(String dtype, String key) {}

  /** A tensor of the pickle: a view of a storage, rebuilt once the storages are read. */
  private record TensorRef(String dtype, String key, long offset, long[] size, long[] stride) {}

  /** A storage type pushed by a GLOBAL (used inside persistent ids). */
  private record StorageType(String dtype) {}

  /**
   * Reads a {@code .pth} file.
   *
   * @throws IOException naming the file: not found, neither a zip nor a legacy stream, truncated,
   *     no {@code data.pkl}, a disallowed global, a missing storage
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
      return resolve(root, u.storages, file);
    } catch (PickleException | ClassCastException e) {
      throw new IOException("cannot unpickle " + file + ": " + e.getMessage(), e);
    } finally {
      u.close();
    }
  }

  private static Object readZip(Path file, Restricted u) throws IOException {
    byte[] pkl = null;
    // torch writes STORED entries with data descriptors: read through the central directory
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry e : java.util.Collections.list(zip.entries())) {
        String name = e.getName();
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
          bytes = in.readAllBytes();
        }
        if (name.endsWith("/data.pkl")) pkl = bytes;
        int d = name.indexOf("/data/");
        if (d >= 0) u.storages.put(name.substring(d + 6), bytes);
      }
    } catch (ZipException e) {
      throw new IOException(
          "not a zip-format .pth file or a truncated one: " + file + " (" + e.getMessage() + ")",
          e);
    }
    if (pkl == null) throw new IOException("no data.pkl in the zip-format .pth file " + file);
    return u.loads(pkl);
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
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(Files.readAllBytes(file));
    Object magic;
    try {
      magic = u.load(in);
    } catch (PickleException | IOException e) {
      magic = null;
    }
    if (!(magic instanceof Number m)
        || !new java.math.BigInteger(m.toString()).equals(LEGACY_MAGIC))
      throw new IOException(
          "not a .pth file: neither a zip archive nor a legacy torch.save stream (wrong magic"
              + " number): "
              + file);
    u.load(in); // protocol version
    u.load(in); // system info
    Object root = u.load(in);
    Object keys = u.load(in);
    Object[] ks = keys instanceof Object[] a ? a : ((List<?>) keys).toArray();
    for (Object k : ks) {
      String key = String.valueOf(k);
      String dtype = u.dtypes.get(key);
      if (dtype == null) throw new IOException("storage " + key + " is not used in " + file);
      byte[] n8 = in.readNBytes(8);
      if (n8.length < 8) throw new IOException("truncated legacy .pth file: " + file);
      long numel = ByteBuffer.wrap(n8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      long bytes = numel * itemSize(dtype);
      if (bytes < 0 || bytes > in.available())
        throw new IOException("truncated legacy .pth file: " + file + " (storage " + key + ")");
      u.storages.put(key, in.readNBytes((int) bytes));
    }
    return root;
  }

  private static int itemSize(String dtype) {
    return switch (dtype) {
      case "F64", "I64" -> 8;
      case "F32", "I32" -> 4;
      case "F16", "BF16", "I16" -> 2;
      default -> 1;
    };
  }

  /** Replaces every tensor reference of the unpickled object by its values. */
  private static Object resolve(Object o, Map<String, byte[]> storages, Path file)
      throws IOException {
    if (o instanceof TensorRef t) {
      byte[] bytes = storages.get(t.key());
      if (bytes == null) throw new IOException("storage " + t.key() + " is missing from " + file);
      return rebuild(t, bytes);
    }
    if (o instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> mm = (Map<Object, Object>) m;
      for (Map.Entry<Object, Object> e : mm.entrySet())
        e.setValue(resolve(e.getValue(), storages, file));
      return mm;
    }
    if (o instanceof List<?> l) {
      @SuppressWarnings("unchecked")
      List<Object> ll = (List<Object>) l;
      for (int i = 0; i < ll.size(); i++) ll.set(i, resolve(ll.get(i), storages, file));
      return ll;
    }
    if (o instanceof Object[] a) {
      for (int i = 0; i < a.length; i++) a[i] = resolve(a[i], storages, file);
      return a;
    }
    return o;
  }

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
    final Map<String, String> dtypes = new LinkedHashMap<>();

    Restricted(Path file) {
      this.file = file;
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
      if (key == 'c') { // GLOBAL: module \n name \n
        String module = PickleUtils.readline(input), name = PickleUtils.readline(input);
        stack.add(global(module, name));
        return NO_RETURN_VALUE;
      }
      if (key == 0x93) { // STACK_GLOBAL
        String name = (String) stack.pop(), module = (String) stack.pop();
        stack.add(global(module, name));
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
            "the pickle in "
                + file
                + " refers to the global "
                + module
                + "."
                + name
                + ", which a state dict does not need: refused (no code runs from a checkpoint)");
      return switch (name) {
        case "OrderedDict" -> (IObjectConstructor) args -> new OrderedDict();
        case "_rebuild_parameter" -> (IObjectConstructor) args -> args[0];
        default -> (IObjectConstructor) TorchCheckpoint::rebuildTensor;
      };
    }

    @Override
    protected Object persistentLoad(Object pid) {
      // ('storage', storage_type, key, location, numel[, view_metadata])
      Object[] t = pid instanceof Object[] a ? a : ((List<?>) pid).toArray();
      if (t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType st))
        throw new PickleException("unexpected persistent id " + Arrays.toString(t) + " in " + file);
      String key = String.valueOf(t[2]);
      dtypes.put(key, st.dtype());
      return new StorageRef(st.dtype(), key);
    }
  }

  /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, meta]). */
  private static Object rebuildTensor(Object[] args) {
    StorageRef s = (StorageRef) args[0];
    return new TensorRef(
        s.dtype(), s.key(), ((Number) args[1]).longValue(), longs(args[2]), longs(args[3]));
  }

  /** The dense row-major values of a view (offset, size, stride) of a storage's bytes. */
  private static SafeTensors.Tensor rebuild(TensorRef t, byte[] bytes) {
    String dtype = t.dtype();
    long offset = t.offset();
    long[] size = t.size(), stride = t.stride();
    int item = itemSize(dtype);
    long n = 1;
    for (long d : size) n *= d;
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int count = Math.toIntExact(n);
    boolean isFloat = dtype.startsWith("F") || dtype.equals("BF16");
    float[] f = isFloat ? new float[count] : null;
    long[] l = isFloat ? null : new long[count];
    long[] idx = new long[size.length];
    for (int i = 0; i < count; i++) {
      long el = offset;
      for (int d = 0; d < size.length; d++) el += idx[d] * stride[d];
      int at = Math.toIntExact(el * item);
      if (at < 0 || at + item > bytes.length)
        throw new PickleException(
            "a tensor of shape " + Arrays.toString(size) + " reads outside its storage");
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

  private static long[] longs(Object tuple) {
    Object[] t = tuple instanceof Object[] a ? a : ((List<?>) tuple).toArray();
    long[] out = new long[t.length];
    for (int i = 0; i < t.length; i++) out[i] = ((Number) t[i]).longValue();
    return out;
  }
}
