package io.github.var4j.nn;

import io.github.var4j.io.Npy;
import io.github.var4j.io.SafeTensors;
import io.github.var4j.io.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * A PyTorch-style state dict: official parameter names to tensors in the official (PyTorch) layout.
 *
 * <p>On disk it is a directory with one {@code <name>.npy} per entry, the format of the parity
 * fixtures, so that weights exported from an official checkpoint ({@code np.save(f"{k}.npy",
 * v.numpy())} for each entry) load as they are. Integer buffers (for example {@code lvl_1L}) are
 * read as floats.
 */
public final class StateDict {
  /**
   * Official buffers that are not parameters: they are derived from the configuration and are
   * ignored when loading.
   */
  public static final List<String> BUFFER_SUFFIXES =
      List.of("ema_vocab_hit_SV", "lvl_1L", "attn_bias_for_masking", "zero_k_bias");

  private final Map<String, HostTensor> entries;

  public StateDict() {
    this.entries = new LinkedHashMap<>();
  }

  public StateDict(Map<String, HostTensor> entries) {
    this.entries = new LinkedHashMap<>(entries);
  }

  public static boolean isBuffer(String name) {
    return BUFFER_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  /**
   * For error messages about a key that is not there: {@code " (nearest: 'k')"} with the closest of
   * {@code keys} by Levenshtein distance, if one is within a third of the name's length (a typo or
   * a renamed module, e.g. "blocks.0.attn.qkv.weight" for "blocks.0.attn.mat_qkv.weight"), else "".
   * Pass the keys of the other side that are unmatched too: for a missing weight, the state dict's
   * unexpected keys; for an unexpected one, the model's missing weights.
   */
  public static String nearest(String name, Collection<String> keys) {
    int limit = Math.max(1, name.length() / 3);
    LevenshteinDistance lev = new LevenshteinDistance(limit);
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : keys) {
      int d = lev.apply(name, k);
      if (d >= 0 && d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best == null ? "" : " (nearest: '" + best + "')";
  }

  public StateDict put(String name, HostTensor t) {
    entries.put(name, t);
    return this;
  }

  public HostTensor get(String name) {
    HostTensor t = entries.get(name);
    if (t == null) throw new IllegalArgumentException("no entry '" + name + "' in state dict");
    return t;
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  public Set<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  public int size() {
    return entries.size();
  }

  /** Entries whose name starts with {@code prefix}, with the prefix removed (e.g. "quantize."). */
  public StateDict withPrefixStripped(String prefix) {
    StateDict out = new StateDict();
    entries.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
    return out;
  }

  /** Reads every {@code *.npy} file of {@code dir} (file name minus ".npy" = entry name). */
  public static StateDict loadNpyDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new IOException("state dict directory not found: " + dir);
    Map<String, HostTensor> sorted = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          (Iterable<Path>)
              files.filter(p -> p.getFileName().toString().endsWith(".npy"))::iterator) {
        String name = f.getFileName().toString();
        name = name.substring(0, name.length() - 4);
        Npy.Array a = Npy.read(f);
        sorted.put(name, new HostTensor(a.shape(), a.asFloats()));
      }
    }
    if (sorted.isEmpty()) throw new IOException("no .npy files in state dict directory " + dir);
    return new StateDict(sorted);
  }

  /**
   * Reads a safetensors file (official names, PyTorch layouts: a state dict as {@code
   * safetensors.torch.save_file} writes it); every tensor becomes float32 (bf16/f16 widened
   * exactly, integer buffers converted).
   */
  public static StateDict loadSafeTensors(Path file) throws IOException {
    StateDict out = new StateDict();
    SafeTensors.read(file).forEach((k, t) -> out.put(k, new HostTensor(t.shape(), t.asFloats())));
    return out;
  }

  /**
   * Reads the state dict at {@code keyPath} of a zip-format PyTorch {@code .pth} file ({@link
   * TorchCheckpoint}; {@code ""} for a plain {@code torch.save(model.state_dict())}, e.g. {@code
   * "trainer.var_wo_ddp"} inside a trainer checkpoint); every tensor becomes float32.
   */
  public static StateDict loadPth(Path file, String keyPath) throws IOException {
    StateDict out = new StateDict();
    TorchCheckpoint.stateDict(TorchCheckpoint.read(file), keyPath)
        .forEach((k, t) -> out.put(k, new HostTensor(t.shape(), t.asFloats())));
    return out;
  }

  /** Writes every entry as float32 safetensors (official names, PyTorch layouts), atomically. */
  public void saveSafeTensors(Path file) throws IOException {
    Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
    entries.forEach((k, v) -> t.put(k, new SafeTensors.Tensor("F32", v.shape(), v.data(), null)));
    SafeTensors.write(file, t);
  }

  /** Writes one {@code <name>.npy} per entry (each file atomically). */
  public void saveNpyDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, HostTensor> e : entries.entrySet()) {
      Npy.writeFloats(dir.resolve(e.getKey() + ".npy"), e.getValue().shape(), e.getValue().data());
    }
  }
}
