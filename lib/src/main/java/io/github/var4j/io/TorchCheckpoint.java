package io.github.var4j.io;

import io.github.var4j.io.TorchUnpickler.PickleInput;
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

/**
 * Reads PyTorch {@code .pth} files, unpickled with {@code net.razorvine:pickle}: the zip format
 * ({@code torch.save} since 1.6: {@code <archive>/data.pkl} plus one raw little-endian file per
 * storage under {@code <archive>/data/}) and the legacy stream (pickles of a magic number, the
 * protocol version, system info, the object and its sorted storage keys, then each storage's int64
 * element count and data). This class reads the two containers; {@link TorchUnpickler} is the
 * pickle machine and {@link TorchTensors} rebuilds the tensors from their storages.
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

  /**
   * {@code collections.OrderedDict}: an insertion-ordered map; the attributes pickled with a state
   * dict ({@code _metadata}: module versions) are dropped.
   */
  public static final class OrderedDict extends LinkedHashMap<Object, Object> {
    /** Called by the unpickler's BUILD with the object's attributes; ignored. */
    public void __setstate__(java.util.HashMap<?, ?> attributes) {}
  }

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
    TorchUnpickler u = new TorchUnpickler(file);
    try {
      Object root = zip ? readZip(file, u) : readLegacy(file, u);
      return new TorchTensors(file, u).resolve(root, "", 0);
    } finally {
      u.close();
    }
  }

  private static Object readZip(Path file, TorchUnpickler u) throws IOException {
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
  private static Object readLegacy(Path file, TorchUnpickler u) throws IOException {
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
          file
              + ": damaged legacy .pth stream: the storage keys are a "
              + TorchUnpickler.typeName(keys));
    for (Object k : ks) {
      String key = String.valueOf(k);
      String dtype = u.dtypes.get(key);
      if (dtype == null)
        throw new IOException(
            "storage " + Excerpts.of(key) + " is not used in " + file + " (a damaged stream)");
      int item = SafeTensors.itemSize(dtype);
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
}
