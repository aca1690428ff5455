package io.github.var4j.nn;

import io.github.var4j.io.AtomicFiles;
import io.github.var4j.io.Excerpts;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.op.train.Save;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Saves and restores every variable of a {@link ParamStore} (parameters and optimizer state) as a
 * standard TF V2 tensor bundle ({@code <prefix>.index} + {@code <prefix>.data-00000-of-00001},
 * written by TF's own SaveV2 kernel, so {@code tf.train.load_checkpoint} reads it). Keys are the
 * official state-dict names; values are in TF layout.
 *
 * <p>A checkpoint "at {@code prefix}" is a small pointer file {@code prefix} that names the current
 * bundle, {@code <prefix>-<n>} (files {@code <prefix>-<n>.index} and {@code
 * <prefix>-<n>.data-00000-of-00001}, as TF's own {@code checkpoint} file names its latest). A save
 * writes bundle n + 1 beside the current one, then replaces the pointer atomically ({@link
 * AtomicFiles}), then deletes the older bundles: a process killed at any moment leaves the previous
 * checkpoint or the new one, never a torn pair. A plain bundle at {@code prefix} (as earlier var4j
 * versions wrote) still restores. Restoring checks every key and shape first and names the problem
 * (missing key, shape from another configuration, corrupt file).
 */
public final class TfCheckpoint {
  public static final String DATA_SUFFIX = ".data-00000-of-00001";
  public static final String INDEX_SUFFIX = ".index";

  /** What a pointer file may name: a file name of its directory (no separator, not . or ..). */
  private static final Pattern BUNDLE_NAME = Pattern.compile("(?!\\.\\.?$)[^/\\\\\\x00-\\x1f]+");

  private final List<ParamStore> stores;
  private final List<Param> vars;
  private final Placeholder<TString> prefixIn;
  private final Save saveOp;
  private final Restore restoreOp;

  /**
   * Builds the save/restore ops for every variable of the given stores (call after the model and
   * optimizer exist). All stores must belong to one graph; their names must not collide.
   */
  public TfCheckpoint(ParamStore... stores) {
    if (stores.length == 0)
      throw new IllegalArgumentException("TfCheckpoint needs at least one ParamStore");
    this.stores = List.of(stores);
    this.vars = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ParamStore st : stores) {
      for (Param p : st.all()) {
        if (!seen.add(p.name()))
          throw new IllegalArgumentException(
              "variable name '" + p.name() + "' appears in two stores");
        vars.add(p);
      }
    }
    Ops tf = stores[0].tf();
    String[] names = vars.stream().map(Param::name).toArray(String[]::new);
    String[] slices = new String[names.length];
    Arrays.fill(slices, "");
    prefixIn =
        tf.withName("checkpoint.prefix")
            .placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    Operand<TString> namesT = tf.constant(NdArrays.vectorOfObjects(names));
    Operand<TString> slicesT = tf.constant(NdArrays.vectorOfObjects(slices));
    List<Operand<?>> reads = new ArrayList<>();
    vars.forEach(p -> reads.add(p.value()));
    saveOp = tf.withName("checkpoint.save").train.save(prefixIn, namesT, slicesT, reads);
    List<Class<? extends TType>> types = new ArrayList<>();
    vars.forEach(p -> types.add(TFloat32.class));
    restoreOp = tf.withName("checkpoint.restore").train.restore(prefixIn, namesT, slicesT, types);
  }

  /**
   * Writes a new bundle beside the current one and points {@code prefix} at it (see the class
   * comment); older bundles are deleted afterwards.
   */
  public void save(Session s, Path prefix) throws IOException {
    Path abs = prefix.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    String name = abs.getFileName().toString();
    Path current = bundle(abs);
    long n = 1;
    if (current != null) {
      Matcher m = versionPattern(name).matcher(current.getFileName().toString());
      if (m.matches()) n = Long.parseLong(m.group(1)) + 1;
    }
    Path target = dir.resolve(name + "-" + n);
    try (TString p = TString.scalarOf(target.toString())) {
      s.runner().feed(prefixIn, p).addTarget(saveOp).run().close();
    } catch (TensorFlowException e) {
      throw new IOException("could not write checkpoint " + prefix + ": " + e.getMessage(), e);
    }
    AtomicFiles.writeString(abs, target.getFileName() + "\n");
    deleteOtherBundles(dir, name, target.getFileName().toString());
  }

  /**
   * The bundle that {@code prefix} stands for: the one its pointer file names, or a plain bundle at
   * {@code prefix} itself (earlier versions); null if there is none.
   *
   * @throws IOException if the pointer names a bundle whose files are missing
   */
  public static Path bundle(Path prefix) throws IOException {
    if (Files.isRegularFile(prefix)) {
      String target;
      try {
        target = Files.readString(prefix).trim();
      } catch (CharacterCodingException e) {
        throw new IOException(
            "checkpoint " + prefix + " is not a pointer file naming a bundle (not UTF-8 text)", e);
      }
      if (!BUNDLE_NAME.matcher(target).matches()) {
        throw new IOException(
            "checkpoint "
                + prefix
                + " names the bundle '"
                + Excerpts.of(target)
                + "', which is not a file name of its directory (a damaged pointer file)");
      }
      Path b = prefix.resolveSibling(target);
      if (!bundleFilesExist(b)) {
        throw new IOException(
            "checkpoint "
                + prefix
                + " names the bundle '"
                + Excerpts.of(target)
                + "', whose files are missing");
      }
      return b;
    }
    return bundleFilesExist(prefix) ? prefix : null;
  }

  /**
   * True if a checkpoint exists at {@code prefix} (a pointer to a complete bundle, or a bundle).
   */
  public static boolean exists(Path prefix) {
    try {
      return bundle(prefix) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean bundleFilesExist(Path bundle) {
    return Files.isRegularFile(Path.of(bundle + INDEX_SUFFIX))
        && Files.isRegularFile(Path.of(bundle + DATA_SUFFIX));
  }

  private static Pattern versionPattern(String name) {
    return Pattern.compile(Pattern.quote(name) + "-(\\d+)");
  }

  /**
   * Deletes the bundles of {@code name} other than {@code keep}: older versions and a plain one.
   */
  private static void deleteOtherBundles(Path dir, String name, String keep) throws IOException {
    Pattern files =
        Pattern.compile(
            Pattern.quote(name) + "(-\\d+)?(" + Pattern.quote(INDEX_SUFFIX) + "|\\.data-.*)");
    try (var list = Files.list(dir)) {
      for (Path f : list.toList()) {
        String fn = f.getFileName().toString();
        if (files.matcher(fn).matches() && !fn.startsWith(keep + ".")) Files.deleteIfExists(f);
      }
    }
  }

  /**
   * Restores every variable from {@code prefix}.
   *
   * @throws IOException naming the checkpoint and the problem: missing files, a missing key, a
   *     corrupt file, or a shape that belongs to another configuration
   */
  public void restore(Session s, Path prefix) throws IOException {
    Path bundle = bundle(prefix);
    if (bundle == null) {
      throw new IOException(
          "checkpoint not found: "
              + prefix
              + " (neither a pointer file naming a bundle nor a bundle "
              + prefix.getFileName()
              + INDEX_SUFFIX
              + " + "
              + DATA_SUFFIX
              + ")");
    }
    Map<Param, float[]> values = new java.util.LinkedHashMap<>();
    Session.Runner r = s.runner();
    try (TString p = TString.scalarOf(bundle.toString())) {
      r.feed(prefixIn, p);
      restoreOp.tensors().forEach(r::fetch);
      try (Result res = r.run()) {
        for (int i = 0; i < vars.size(); i++) {
          Param v = vars.get(i);
          long[] got = res.get(i).shape().asArray();
          if (!Arrays.equals(got, v.tfShape())) {
            throw new IOException(
                "checkpoint "
                    + prefix
                    + " does not match this model: '"
                    + v.name()
                    + "' has shape "
                    + Arrays.toString(got)
                    + " but the model expects "
                    + Arrays.toString(v.tfShape())
                    + " (was it saved from another configuration: vocabulary, width, depth?)");
          }
          values.put(v, Tensors.floats(res.get(i)));
        }
      }
    } catch (TensorFlowException e) {
      String msg = e.getMessage();
      String files =
          " (bundle files "
              + bundle.getFileName()
              + INDEX_SUFFIX
              + " and "
              + bundle.getFileName()
              + DATA_SUFFIX
              + ")";
      if (msg != null && msg.contains("not found in checkpoint")) {
        throw new IOException(
            "checkpoint " + prefix + " does not match this model: " + firstLine(msg) + files, e);
      }
      throw new IOException(
          "corrupt or unreadable checkpoint " + prefix + files + ": " + firstLine(msg), e);
    }
    for (ParamStore st : stores) {
      Map<Param, float[]> mine = new LinkedHashMap<>();
      st.all().forEach(p -> mine.put(p, values.get(p)));
      st.assignTf(s, mine);
    }
  }

  private static String firstLine(String s) {
    if (s == null) return "(no message)";
    int i = s.indexOf('\n');
    return Excerpts.of(i < 0 ? s : s.substring(0, i), 300);
  }
}
