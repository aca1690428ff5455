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
 * Reads PyTorch {@code .pth} files of the zip format ({@code torch.save} since 1.6: {@code
 * <archive>/data.pkl} plus one raw little-endian file per storage under {@code <archive>/data/}),
 * unpickled with {@code net.razorvine:pickle}.
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

  /** A storage of the archive: dtype and raw bytes. */
  private record Storage(String dtype, byte[] bytes) {}

  /** A storage type pushed by a GLOBAL (used inside persistent ids). */
  private record StorageType(String dtype) {}

  /**
   * Reads a {@code .pth} file.
   *
   * @throws IOException naming the file: not found, not a zip ("legacy" pre-1.6 files are not read
   *     yet), no {@code data.pkl}, a disallowed global, a missing storage
   */
  public static Object read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("checkpoint not found: " + file);
    byte[] pkl = null;
    Map<String, byte[]> data = new LinkedHashMap<>();
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
        if (d >= 0) data.put(name.substring(d + 6), bytes);
      }
    } catch (ZipException e) {
      throw new IOException(
          "not a zip-format .pth file or a truncated one: "
              + file
              + " ("
              + e.getMessage()
              + "; the legacy pre-1.6 format is not read yet)",
          e);
    }
    if (pkl == null)
      throw new IOException(
          "no data.pkl in "
              + file
              + ": not a zip-format torch.save file (the legacy pre-1.6 format is not read yet)");
    Restricted u = new Restricted(file, data);
    try {
      return u.loads(pkl);
    } catch (PickleException | ClassCastException e) {
      throw new IOException("cannot unpickle " + file + ": " + e.getMessage(), e);
    } finally {
      u.close();
    }
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
    private final Map<String, byte[]> data;

    Restricted(Path file, Map<String, byte[]> data) {
      this.file = file;
      this.data = data;
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
      // ('storage', storage_type, key, location, numel)
      Object[] t = pid instanceof Object[] a ? a : ((List<?>) pid).toArray();
      if (t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType st))
        throw new PickleException("unexpected persistent id " + Arrays.toString(t) + " in " + file);
      String key = String.valueOf(t[2]);
      byte[] bytes = data.get(key);
      if (bytes == null)
        throw new PickleException("storage " + key + " is missing from the archive " + file);
      return new Storage(st.dtype(), bytes);
    }
  }

  /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, meta]). */
  private static Object rebuildTensor(Object[] args) {
    Storage s = (Storage) args[0];
    long offset = ((Number) args[1]).longValue();
    long[] size = longs(args[2]), stride = longs(args[3]);
    int item =
        switch (s.dtype()) {
          case "F64", "I64" -> 8;
          case "F32", "I32" -> 4;
          case "F16", "BF16", "I16" -> 2;
          default -> 1;
        };
    long n = 1;
    for (long d : size) n *= d;
    ByteBuffer bb = ByteBuffer.wrap(s.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    int count = Math.toIntExact(n);
    boolean isFloat = s.dtype().startsWith("F") || s.dtype().equals("BF16");
    float[] f = isFloat ? new float[count] : null;
    long[] l = isFloat ? null : new long[count];
    long[] idx = new long[size.length];
    for (int i = 0; i < count; i++) {
      long el = offset;
      for (int d = 0; d < size.length; d++) el += idx[d] * stride[d];
      int at = Math.toIntExact(el * item);
      if (at < 0 || at + item > s.bytes().length)
        throw new PickleException(
            "a tensor of shape " + Arrays.toString(size) + " reads outside its storage");
      switch (s.dtype()) {
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
    return new SafeTensors.Tensor(s.dtype(), size, f, l);
  }

  private static long[] longs(Object tuple) {
    Object[] t = tuple instanceof Object[] a ? a : ((List<?>) tuple).toArray();
    long[] out = new long[t.length];
    for (int i = 0; i < t.length; i++) out[i] = ((Number) t[i]).longValue();
    return out;
  }
}
