package io.github.var4j.nn;

import io.github.var4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>A save never destroys the previous checkpoint: the bundle is written under a temporary prefix
 * and then renamed onto the final prefix (data file first, index last). Restoring checks every key
 * and shape first and names the problem (missing key, shape from another configuration, corrupt
 * file).
 */
public final class TfCheckpoint {
  public static final String DATA_SUFFIX = ".data-00000-of-00001";
  public static final String INDEX_SUFFIX = ".index";

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

  /** Writes the bundle at {@code prefix} atomically (temp prefix, then rename). */
  public void save(Session s, Path prefix) throws IOException {
    Path dir = prefix.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp =
        dir.resolve(
            "."
                + prefix.getFileName()
                + ".tmp-"
                + ProcessHandle.current().pid()
                + "-"
                + System.nanoTime());
    try (TString p = TString.scalarOf(tmp.toString())) {
      s.runner().feed(prefixIn, p).addTarget(saveOp).run().close();
    } catch (TensorFlowException e) {
      throw new IOException("could not write checkpoint " + prefix + ": " + e.getMessage(), e);
    }
    AtomicFiles.move(Path.of(tmp + DATA_SUFFIX), Path.of(prefix + DATA_SUFFIX));
    AtomicFiles.move(Path.of(tmp + INDEX_SUFFIX), Path.of(prefix + INDEX_SUFFIX));
  }

  public static boolean exists(Path prefix) {
    return Files.isRegularFile(Path.of(prefix + INDEX_SUFFIX))
        && Files.isRegularFile(Path.of(prefix + DATA_SUFFIX));
  }

  /**
   * Restores every variable from {@code prefix}.
   *
   * @throws IOException naming the checkpoint and the problem: missing files, a missing key, a
   *     corrupt file, or a shape that belongs to another configuration
   */
  public void restore(Session s, Path prefix) throws IOException {
    if (!exists(prefix)) {
      throw new IOException(
          "checkpoint not found: "
              + prefix
              + " (expected "
              + prefix.getFileName()
              + INDEX_SUFFIX
              + " and "
              + prefix.getFileName()
              + DATA_SUFFIX
              + ")");
    }
    Map<Param, float[]> values = new java.util.LinkedHashMap<>();
    Session.Runner r = s.runner();
    try (TString p = TString.scalarOf(prefix.toString())) {
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
      if (msg != null && msg.contains("not found in checkpoint")) {
        throw new IOException(
            "checkpoint " + prefix + " does not match this model: " + firstLine(msg), e);
      }
      throw new IOException(
          "corrupt or unreadable checkpoint " + prefix + ": " + firstLine(msg), e);
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
    return i < 0 ? s : s.substring(0, i);
  }
}
