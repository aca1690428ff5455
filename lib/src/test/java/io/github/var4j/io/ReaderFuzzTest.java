package io.github.var4j.io;

import static io.github.var4j.testutil.ReaderFuzz.OnSuccess.ANY;
import static io.github.var4j.testutil.ReaderFuzz.OnSuccess.FAIL;
import static io.github.var4j.testutil.ReaderFuzz.OnSuccess.SAME;
import static io.github.var4j.testutil.ReaderFuzz.patched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.PickleBytes;
import io.github.var4j.testutil.ReaderFuzz;
import io.github.var4j.testutil.ReaderFuzz.Region;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing of the readers of {@code io}: {@code .pth} (zip and legacy), safetensors, {@code .npy},
 * {@code .npz} and keyed CSV tables. Each test damages a real file (a fixture checkpoint, a fixture
 * array, or a file written here) by truncation (every length of a small file; every length of the
 * first 512 bytes, the last 64, around the header and directory boundaries and a few hundred spread
 * over a large one) and by seeded single-byte flips (half of them in the headers and directories),
 * and checks with {@link ReaderFuzz} that every failure is an {@link IOException} (or {@link
 * IllegalArgumentException}) whose one-line message names the file and the problem, never another
 * throwable or a hang. The {@code *Refused*} tests craft headers that announce huge sizes and check
 * that they are refused, by name, before anything of that size is allocated.
 */
class ReaderFuzzTest {
  @TempDir Path tmp;

  /** Time allowed to one read (the whole of a tiny checkpoint takes milliseconds). */
  private static final long BUDGET_MS = 5_000;

  private static byte[] fixture(String rel) throws IOException {
    return Files.readAllBytes(Fixtures.path(rel));
  }

  /** A digest of what a reader returned: names, dtypes, shapes and every value (by hash). */
  static String digest(Object o) {
    if (o instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      m.forEach((k, v) -> sb.append(k).append('=').append(digest(v)).append(", "));
      return sb.append('}').toString();
    }
    if (o instanceof List<?> l) return digest(l.toArray());
    if (o instanceof Object[] a) {
      StringBuilder sb = new StringBuilder("[");
      for (Object x : a) sb.append(digest(x)).append(", ");
      return sb.append(']').toString();
    }
    if (o instanceof SafeTensors.Tensor t)
      return t.dtype()
          + Arrays.toString(t.shape())
          + "#"
          + (t.floats() != null ? Arrays.hashCode(t.floats()) : Arrays.hashCode(t.longs()));
    if (o instanceof Npy.Array a)
      return a.dtype()
          + Arrays.toString(a.shape())
          + "#"
          + (a.floats() != null ? Arrays.hashCode(a.floats()) : Arrays.hashCode(a.longs()));
    return String.valueOf(o);
  }

  private static int u16(byte[] b, int at) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(at) & 0xffff;
  }

  private static long u32(byte[] b, int at) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at) & 0xffffffffL;
  }

  /**
   * The structure of a zip file: regions to flip, offsets to cut near, the end record, the zip64
   * end record (-1: none) and the central directory entries.
   */
  record ZipLayout(
      List<Region> regions, int[] marks, int eocd, int zip64, List<Integer> cenEntries) {}

  static ZipLayout zipLayout(byte[] z) {
    int eocd = -1;
    for (int i = z.length - 22; i >= 0; i--) {
      if (u32(z, i) == 0x06054b50L) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new IllegalArgumentException("no zip end record");
    int cen = (int) u32(z, eocd + 16), cenSize = (int) u32(z, eocd + 12);
    List<Region> regions = new ArrayList<>();
    List<Integer> marks = new ArrayList<>(List.of(cen, cen + cenSize, eocd));
    regions.add(new Region("end records", cen + cenSize, z.length));
    regions.add(new Region("central directory", cen, cen + cenSize));
    List<Integer> entries = new ArrayList<>();
    for (int p = cen; p < cen + cenSize && u32(z, p) == 0x02014b50L; ) {
      entries.add(p);
      int nameLen = u16(z, p + 28), extra = u16(z, p + 30), comment = u16(z, p + 32);
      String name = new String(z, p + 46, nameLen, StandardCharsets.UTF_8);
      int loc = (int) u32(z, p + 42), csize = (int) u32(z, p + 20);
      int data = loc + 30 + u16(z, loc + 26) + u16(z, loc + 28);
      regions.add(new Region("local header of " + name, loc, data));
      if (name.endsWith(".pkl") || name.endsWith(".npy"))
        regions.add(new Region(name, data, data + Math.min(csize, 4096)));
      marks.addAll(List.of(loc, data, data + csize));
      p += 46 + nameLen + extra + comment;
    }
    // cut near the directories and the first entries (the pickle, the first storages)
    marks = marks.subList(0, Math.min(marks.size(), 3 + 3 * 8));
    int zip64 = eocd >= 20 && u32(z, eocd - 20) == 0x07064b50L ? (int) u32(z, eocd - 12) : -1;
    return new ZipLayout(
        regions, marks.stream().mapToInt(Integer::intValue).toArray(), eocd, zip64, entries);
  }

  private static Object readPth(Path f) throws IOException {
    return digest(TorchCheckpoint.read(f));
  }

  private void fuzzZipPth(String name, int spread, int flips) throws IOException {
    byte[] whole = fixture("checkpoints/" + name);
    ZipLayout z = zipLayout(whole);
    Path f = tmp.resolve(name);
    ReaderFuzz fuzz = new ReaderFuzz("zip " + name, f, () -> readPth(f), BUDGET_MS).intact(whole);
    int[] marks = Arrays.copyOf(z.marks(), z.marks().length + 1);
    marks[marks.length - 1] = whole.length / 3; // a third: reported to throw IndexOutOfBounds
    fuzz.truncations(whole, ReaderFuzz.lengths(whole.length, 1 << 16, spread, 1, marks), FAIL);
    // every byte that matters is under a CRC-32 (the entries) or is a structure field: a flip is
    // refused or hits a byte that does not matter (a time stamp, the padding of an extra field)
    fuzz.flips(whole, 2, flips, SAME, z.regions());
    // targeted: directory offsets and sizes past the end, sizes of 2^32 - 1 and 2^40; the end
    // record's fields may also defer to the zip64 end record (torch writes one): refused or the
    // same
    byte[] ff = {-1, -1, -1, -1};
    fuzz.trial("end record: directory offset 0xffffffff", patched(whole, z.eocd() + 16, ff), SAME);
    fuzz.trial("end record: directory size 0xffffffff", patched(whole, z.eocd() + 12, ff), SAME);
    if (z.zip64() >= 0) {
      byte[] big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array();
      fuzz.trial(
          "zip64 end record: directory size 2^40", patched(whole, z.zip64() + 40, big), FAIL);
      fuzz.trial(
          "zip64 end record: directory offset 2^40", patched(whole, z.zip64() + 48, big), FAIL);
    }
    for (int e : z.cenEntries().subList(0, 3)) {
      fuzz.trial("entry at " + e + ": size 0xffffffff", patched(whole, e + 24, ff), FAIL);
      fuzz.trial(
          "entry at " + e + ": compressed size 0xffffffff", patched(whole, e + 20, ff), FAIL);
      fuzz.trial(
          "entry at " + e + ": local header offset past the end", patched(whole, e + 42, ff), FAIL);
      fuzz.trial(
          "entry at " + e + ": name length 0xffff",
          patched(whole, e + 28, new byte[] {-1, -1}),
          FAIL);
    }
    fuzz.assertClean();
  }

  /**
   * The zip-format checkpoint (a plain state dict): every truncation is refused; every flip is
   * refused or reads the very same tensors (the entries are checked against their CRC-32).
   */
  @Test
  void zipPthFailsCleanly() throws IOException {
    fuzzZipPth("var_tiny.pth", 200, 300);
  }

  /** The same, fewer trials, for the bfloat16 state dict and the nested trainer dict. */
  @Test
  void zipPthVariantsFailCleanly() throws IOException {
    fuzzZipPth("var_tiny_bf16.pth", 40, 80);
    fuzzZipPth("var_tiny_trainer.pth", 30, 60);
  }

  /**
   * The legacy (pre-1.6) stream: every truncation is refused (each cuts a storage short); flips are
   * refused or read (the stream has no checksum: a flipped data byte or a flipped letter of a name
   * cannot be detected).
   */
  @Test
  void legacyPthFailsCleanly() throws IOException {
    String name = "var_tiny_legacy.pth";
    byte[] whole = fixture("checkpoints/" + name);
    Path f = tmp.resolve(name);
    ReaderFuzz fuzz =
        new ReaderFuzz("legacy " + name, f, () -> readPth(f), BUDGET_MS).intact(whole);
    int pickles = pickleEnd(whole);
    fuzz.truncations(whole, ReaderFuzz.lengths(whole.length, 1 << 16, 200, 3, pickles), FAIL);
    fuzz.flips(whole, 4, 300, ANY, List.of(new Region("pickles", 0, pickles)));
    fuzz.assertClean();
  }

  /** Where the storages of a legacy stream start: after its five pickles. */
  private static int pickleEnd(byte[] legacy) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(legacy);
    Unpickler u =
        new Unpickler() {
          @Override
          protected Object dispatch(short key) throws IOException {
            if (key != 'c') return super.dispatch(key);
            PickleUtils.readline(input);
            String name = PickleUtils.readline(input);
            stack.add(
                name.equals("OrderedDict")
                    ? (IObjectConstructor) args -> new TorchCheckpoint.OrderedDict()
                    : (IObjectConstructor) args -> args);
            return NO_RETURN_VALUE;
          }

          @Override
          protected Object persistentLoad(Object pid) {
            return pid;
          }
        };
    for (int i = 0; i < 5; i++) u.load(in);
    return legacy.length - in.available();
  }

  /** A zip-format {@code .pth} of one pickle and one storage. */
  private static byte[] pthZip(byte[] pickle, byte[] storage) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(buf)) {
      zip.setLevel(0);
      zip.putNextEntry(new ZipEntry("archive/data.pkl"));
      zip.write(pickle);
      zip.putNextEntry(new ZipEntry("archive/data/0"));
      zip.write(storage);
      zip.closeEntry();
    }
    return buf.toByteArray();
  }

  /** A legacy {@code .pth} stream: magic, protocol, system info, the pickle, one key, its data. */
  private static byte[] pthLegacy(byte[] pickle, long numel, byte[] storage) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        new byte[] {
          (byte) 0x80,
          2,
          (byte) 0x8a,
          10,
          0x6c,
          (byte) 0xfc,
          (byte) 0x9c,
          0x46,
          (byte) 0xf9,
          0x20,
          0x6a,
          (byte) 0xa8,
          0x50,
          0x19,
          '.'
        }); // the magic number 0x1950a86a20f9469cfc6c
    out.writeBytes(new byte[] {(byte) 0x80, 2, 'M', (byte) 0xe9, 3, '.'}); // protocol 1001
    out.writeBytes(new byte[] {(byte) 0x80, 2, '}', '.'}); // system info: {}
    out.writeBytes(pickle);
    out.writeBytes(new PickleBytes().proto().raw(']').str("0").raw('a').stop().bytes());
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(numel).array());
    out.writeBytes(storage);
    return out.toByteArray();
  }

  private static String refusal(Path f, Executable read) {
    IOException e =
        assertThrows(
            IOException.class, () -> assertTimeoutPreemptively(Duration.ofSeconds(10), read));
    String m = e.getMessage();
    assertTrue(m.contains(f.getFileName().toString()), m);
    assertTrue(m.indexOf('\n') < 0, m);
    return m;
  }

  /**
   * {@code .pth} headers that announce huge sizes are refused before allocating: a tensor of 2^40
   * elements (or 2^20 x 2^20 with stride 0) over a 16-byte storage, a storage whose header says
   * 2^40 elements, a legacy storage count of 2^40 and of -1, pickle strings of 2^31 - 1 and of
   * negative length.
   */
  @Test
  void hugePthSizesAreRefused() throws IOException {
    long huge = 1L << 40;
    Path f = tmp.resolve("huge.pth");
    byte[] four = new byte[16];
    // a tensor of 2^40 elements over a storage of 4
    Files.write(
        f, pthZip(PickleBytes.stateDict("w", "0", 4, 0, new long[] {huge}, new long[] {1}), four));
    String m = refusal(f, () -> TorchCheckpoint.read(f));
    assertTrue(m.contains("1099511627776"), m);
    // 2^20 x 2^20 elements, stride 0: inside the storage, but more than one array holds
    Files.write(
        f,
        pthZip(
            PickleBytes.stateDict("w", "0", 4, 0, new long[] {1 << 20, 1 << 20}, new long[] {0, 0}),
            four));
    m = refusal(f, () -> TorchCheckpoint.read(f));
    assertTrue(m.contains("1099511627776"), m);
    // a storage whose persistent id says 2^40 elements, with 16 bytes in the archive
    Files.write(
        f, pthZip(PickleBytes.stateDict("w", "0", huge, 0, new long[] {4}, new long[] {1}), four));
    m = refusal(f, () -> TorchCheckpoint.read(f));
    assertTrue(m.contains("1099511627776") && m.contains("data/0"), m);
    // legacy: the storage's element count (2^40, then -1) is read from the stream
    byte[] sd = PickleBytes.stateDict("w", "0", 4, 0, new long[] {4}, new long[] {1});
    Files.write(f, pthLegacy(sd, huge, four));
    m = refusal(f, () -> TorchCheckpoint.read(f));
    assertTrue(m.contains("1099511627776"), m);
    Files.write(f, pthLegacy(sd, -1, four));
    m = refusal(f, () -> TorchCheckpoint.read(f));
    assertTrue(m.contains("-1"), m);
    Files.write(f, pthLegacy(sd, 4, four));
    assertEquals(
        4, TorchCheckpoint.stateDict(TorchCheckpoint.read(f), "").get("w").floats().length);
    // pickle strings of 2^31 - 1 and of -1 bytes (BINUNICODE), 2^40 bytes (BINBYTES8)
    for (byte[] pkl :
        List.of(
            new PickleBytes().proto().raw('X').int32(Integer.MAX_VALUE).raw('a', 'b').bytes(),
            new PickleBytes().proto().raw('X').int32(-1).raw('a', 'b').bytes(),
            new PickleBytes().proto().raw(0x8e, 0, 0, 0, 0, 0, 1, 0, 0).raw('a').bytes())) {
      Files.write(f, pthZip(pkl, four));
      m = refusal(f, () -> TorchCheckpoint.read(f));
      assertTrue(m.contains("data.pkl"), m);
    }
  }

  /**
   * Malformed pickles that fuzzing rarely builds, each refused by name (or, for the last, read in
   * linear time): a tensor of negative size, a view that repeats a 4-element storage 2^28 times
   * (stride 0), a list that holds itself, INST of a global outside the allow-list (which builds an
   * object without naming a callable), STACK_GLOBAL of non-strings; and 64 lists that each hold the
   * previous one twice (2^64 paths through 65 lists).
   */
  @Test
  void malformedPicklesAreRefused() throws IOException {
    Path f = tmp.resolve("odd.pth");
    byte[] four = new byte[16];
    Files.write(
        f,
        pthZip(
            PickleBytes.stateDict("w", "0", 4, 0, new long[] {-2, -2}, new long[] {1, 1}), four));
    assertTrue(refusal(f, () -> TorchCheckpoint.read(f)).contains("negative size"));
    Files.write(
        f,
        pthZip(
            PickleBytes.stateDict("w", "0", 4, 0, new long[] {1 << 14, 1 << 14}, new long[] {0, 0}),
            four));
    assertTrue(refusal(f, () -> TorchCheckpoint.read(f)).contains("268435456 values: refused"));
    byte[] cycle = new PickleBytes().proto().raw(']', 'q', 0, 'h', 0, 'a', '.').bytes();
    Files.write(f, pthZip(cycle, four));
    assertTrue(refusal(f, () -> TorchCheckpoint.read(f)).contains("holds itself"));
    byte[] inst =
        new PickleBytes()
            .proto()
            .mark()
            .raw('i')
            .raw("os\nsystem\n".chars().toArray())
            .stop()
            .bytes();
    Files.write(f, pthZip(inst, four));
    assertTrue(refusal(f, () -> TorchCheckpoint.read(f)).contains("os.system"));
    byte[] stackGlobal = new PickleBytes().proto().integer(1).integer(2).raw(0x93, '.').bytes();
    Files.write(f, pthZip(stackGlobal, four));
    assertTrue(refusal(f, () -> TorchCheckpoint.read(f)).contains("STACK_GLOBAL"));
    PickleBytes dag = new PickleBytes().proto().raw(']', 'q', 0);
    for (int i = 1; i <= 64; i++) dag.raw(']', 'h', i - 1, 'a', 'h', i - 1, 'a', 'q', i);
    Files.write(f, pthZip(dag.stop().bytes(), four));
    Object root = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> TorchCheckpoint.read(f));
    assertEquals(2, ((List<?>) root).size());
  }

  /** A safetensors file with the given header and {@code dataBytes} zero bytes of data. */
  private static byte[] safetensors(String header, long headerLen, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + dataBytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(headerLen)
        .put(h)
        .array();
  }

  /**
   * Safetensors: every truncation is refused (the last tensor's data_offsets reach past the end); a
   * flip is refused or read (a flipped data byte, or a letter of a name, cannot be detected). Also
   * targeted header lengths (2^40, -1, one past the end, 0).
   */
  @Test
  void safetensorsFailsCleanly() throws IOException {
    String name = "var_tiny.safetensors";
    byte[] whole = fixture("checkpoints/" + name);
    int headerEnd = (int) (8 + ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
    Path f = tmp.resolve(name);
    ReaderFuzz fuzz =
        new ReaderFuzz("safetensors " + name, f, () -> digest(SafeTensors.read(f)), BUDGET_MS)
            .intact(whole);
    fuzz.truncations(whole, ReaderFuzz.lengths(whole.length, 1 << 16, 200, 5, 8, headerEnd), FAIL);
    fuzz.flips(whole, 6, 300, ANY, List.of(new Region("header", 0, headerEnd)));
    for (long len : new long[] {1L << 40, -1, whole.length - 7, 0, Long.MIN_VALUE}) {
      byte[] b =
          patched(
              whole, 0, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(len).array());
      fuzz.trial("header length " + len, b, FAIL);
    }
    fuzz.assertClean();
  }

  /**
   * Safetensors headers that announce huge sizes are refused before allocating: a header length of
   * 2^40, a shape of 2^31 x 2^31, a shape whose byte count wraps around to the data_offsets (2^62 +
   * 1 float32), negative dimensions, and offsets of 2^40.
   */
  @Test
  void hugeSafetensorsSizesAreRefused() throws IOException {
    Path f = tmp.resolve("model.safetensors");
    Files.write(f, safetensors("{}", 1L << 40, 5104));
    assertEquals(
        "not a safetensors file or a truncated one: header length 1099511627776 does not fit the"
            + " file's 5114 bytes: "
            + f,
        refusal(f, () -> SafeTensors.read(f)));
    String[] entries = {
      "\"shape\":[2147483648,2147483648],\"data_offsets\":[0,0]",
      "\"shape\":[4611686018427387905],\"data_offsets\":[0,4]",
      "\"shape\":[-2,-2],\"data_offsets\":[0,16]",
      "\"shape\":[4],\"data_offsets\":[1099511627776,1099511627792]",
      "\"shape\":[4],\"data_offsets\":[-16,0]",
    };
    for (String e : entries) {
      String h = "{\"w\":{\"dtype\":\"F32\"," + e + "}}";
      Files.write(f, safetensors(h, h.length(), 16));
      String m = refusal(f, () -> SafeTensors.read(f));
      assertTrue(m.contains("'w'"), m);
    }
  }

  /**
   * {@code .npy}: every truncation of float32 and int64 fixture arrays is refused, and so is a file
   * with bytes after its data; flips are refused or read (a flipped data byte cannot be detected).
   */
  @Test
  void npyFailsCleanly() throws IOException {
    for (String rel :
        List.of(
            "params/var/blocks.0.attn.scale_mul_1H11.npy", // float32, 4-D
            "params/var/head.bias.npy", // float32, 1-D
            "infer/s0_idx.npy")) { // int64
      byte[] whole = fixture(rel);
      Path f = tmp.resolve(Path.of(rel).getFileName().toString());
      ReaderFuzz fuzz =
          new ReaderFuzz("npy " + rel, f, () -> digest(Npy.read(f)), BUDGET_MS).intact(whole);
      fuzz.truncations(whole, ReaderFuzz.lengths(whole.length, 1 << 16, 0, 7), FAIL);
      int headerEnd = 10 + u16(whole, 8);
      fuzz.flips(whole, 8, 600, ANY, List.of(new Region("header", 0, headerEnd)));
      fuzz.trial("4 bytes after the data", Arrays.copyOf(whole, whole.length + 4), FAIL);
      fuzz.assertClean();
    }
  }

  /** An npy file with the given header text (format 1.0, or 2.0 with a 4-byte header length). */
  private static byte[] npy(String header, int version, long headerLen, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    int pre = version == 1 ? 10 : 12;
    ByteBuffer b = ByteBuffer.allocate(pre + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
    if (version == 1) b.putShort((short) headerLen);
    else b.putInt((int) headerLen);
    return b.put(h).array();
  }

  /**
   * {@code .npy} headers that announce huge sizes are refused before allocating: a shape of 2^31 x
   * 2^31, shapes whose byte count wraps around (2^62 x 4 float32), negative dimensions, a header
   * length past the end and a negative one (format 2.0), a dimension that is not a number.
   */
  @Test
  void hugeNpySizesAreRefused() throws IOException {
    Path f = tmp.resolve("big.npy");
    String[] shapes = {
      "(2147483648, 2147483648)",
      "(4611686018427387904, 4)",
      "(-2, -2)",
      "(-1,)",
      "(3x,)",
      "(99999999999999999999,)"
    };
    for (String s : shapes) {
      String h = "{'descr': '<f4', 'fortran_order': False, 'shape': " + s + ", }\n";
      Files.write(f, npy(h, 1, h.length(), 16));
      String m = refusal(f, () -> Npy.read(f));
      assertTrue(m.contains(s.substring(1, 4)), m);
    }
    String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n";
    Files.write(f, npy(h, 1, h.length(), 16));
    assertEquals(4, Npy.read(f).floats().length);
    Files.write(f, npy(h, 1, h.length() + 17, 16));
    refusal(f, () -> Npy.read(f));
    Files.write(f, npy(h, 2, -1, 16));
    refusal(f, () -> Npy.read(f));
    Files.write(f, npy(h, 2, Integer.MAX_VALUE, 16));
    refusal(f, () -> Npy.read(f));
  }

  /**
   * {@code .npz} (deflated, as {@link Npz#write} and {@code np.savez_compressed} write it): every
   * truncation is refused; every flip is refused or reads the same arrays (the entries are checked
   * against their CRC-32; a flipped letter of an entry name, which no CRC covers, renames an array,
   * so the arrays are compared in order, without their names). Entries that announce 2^31 - 1 bytes
   * are refused before allocating; a compressed size of 2^31 - 1 does not matter (the deflate
   * stream ends where it ends).
   */
  @Test
  void npzFailsCleanly() throws IOException {
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("bias", fixture("params/var/head.bias.npy"));
    arrays.put("lvl", fixture("params/var/lvl_1L.npy"));
    arrays.put("idx", fixture("infer/s0_idx.npy"));
    Path f = tmp.resolve("arrays.npz");
    Npz.write(f, arrays);
    byte[] whole = Files.readAllBytes(f);
    ZipLayout z = zipLayout(whole);
    ReaderFuzz fuzz =
        new ReaderFuzz("npz", f, () -> digest(List.copyOf(Npz.read(f).values())), BUDGET_MS)
            .intact(whole);
    fuzz.truncations(whole, ReaderFuzz.lengths(whole.length, 1 << 16, 0, 9), FAIL);
    fuzz.flips(whole, 10, 500, SAME, z.regions());
    byte[] ff = {-1, -1, -1, 127};
    for (int e : z.cenEntries()) {
      fuzz.trial("entry at " + e + ": size 2^31 - 1", patched(whole, e + 24, ff), FAIL);
      fuzz.trial("entry at " + e + ": compressed size 2^31 - 1", patched(whole, e + 20, ff), SAME);
    }
    fuzz.assertClean();
  }

  /**
   * A keyed CSV table: truncations and flips are refused with the file's name or read (a text table
   * cannot tell a cut or flipped value from another value).
   */
  @Test
  void keyedCsvFailsCleanly() throws IOException {
    List<String> header = List.of("model", "fid", "is");
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++)
      rows.put("m" + i, Map.of("model", "m" + i, "fid", "" + (10.5 + i), "is", "" + (2.25 * i)));
    Path f = tmp.resolve("quality.csv");
    KeyedCsv.write(f, header, rows);
    byte[] whole = Files.readAllBytes(f);
    ReaderFuzz fuzz =
        new ReaderFuzz(
                "keyed csv",
                f,
                () -> KeyedCsv.read(f, header, "quality table").toString(),
                BUDGET_MS)
            .intact(whole);
    fuzz.truncations(whole, ReaderFuzz.lengths(whole.length, 1 << 16, 0, 11), ANY);
    fuzz.flips(whole, 12, 400, ANY, List.of(new Region("header", 0, 12)));
    fuzz.assertClean();
  }
}
