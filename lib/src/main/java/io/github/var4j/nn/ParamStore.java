package io.github.var4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The registry of a graph's resource variables, keyed by official state-dict names.
 *
 * <p>Every variable gets a unique {@code sharedName} (without one, all VarHandleOps of a session
 * alias a single resource, measured: two variables read back the same values), is read once ({@link
 * Param#value()}) and can be assigned from Java through a placeholder. Values enter and leave in
 * PyTorch layout (see {@link Layout}), so official checkpoints load by name.
 */
public final class ParamStore {
  private final Ops tf;
  private final String opPrefix;
  private final Map<String, Param> params = new LinkedHashMap<>();

  /**
   * @param opPrefix prefix for TF op names and sharedNames (not for keys); "" for the usual
   *     single-model graph
   */
  public ParamStore(Ops tf, String opPrefix) {
    this.tf = tf;
    this.opPrefix = opPrefix;
  }

  public ParamStore(Ops tf) {
    this(tf, "");
  }

  public Ops tf() {
    return tf;
  }

  /** The prefix of TF op names ("" for a single-model graph). */
  public String prefix() {
    return opPrefix;
  }

  /** Creates a trainable parameter. */
  public Param create(String name, long[] torchShape, Layout layout, Init init) {
    return add(name, torchShape, layout, true, init);
  }

  /** Creates non-trainable state (optimizer slots, counters, EMA buffers); layout AS_IS. */
  public Param createState(String name, long[] shape, Init init) {
    return add(name, shape, Layout.AS_IS, false, init);
  }

  private Param add(String name, long[] torchShape, Layout layout, boolean trainable, Init init) {
    if (params.containsKey(name))
      throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
    if (!name.matches("[A-Za-z0-9.][A-Za-z0-9_.\\-]*")) {
      throw new IllegalArgumentException("parameter name '" + name + "' is not a valid TF op name");
    }
    for (long d : torchShape) {
      if (d <= 0)
        throw new IllegalArgumentException(
            "parameter '"
                + name
                + "' has a non-positive dimension: "
                + Arrays.toString(torchShape));
    }
    String op = opPrefix + name;
    Shape tfShape = Shape.of(layout.tfShape(torchShape));
    Operand<? extends TType> handle =
        tf.withName(op).varHandleOp(TFloat32.class, tfShape, VarHandleOp.sharedName(op));
    Operand<TFloat32> value = tf.withName(op + ".read").readVariableOp(handle, TFloat32.class);
    Placeholder<TFloat32> in =
        tf.withName(op + ".in").placeholder(TFloat32.class, Placeholder.shape(tfShape));
    var assign = tf.withName(op + ".assign").assignVariableOp(handle, in);
    Param p =
        new Param(name, torchShape.clone(), layout, trainable, init, handle, value, in, assign);
    params.put(name, p);
    return p;
  }

  public Param param(String name) {
    Param p = params.get(name);
    if (p == null) throw new IllegalArgumentException("no parameter named '" + name + "'");
    return p;
  }

  /** The variable's value (TF layout), read once per step. */
  public Operand<TFloat32> get(String name) {
    return param(name).value();
  }

  public boolean contains(String name) {
    return params.containsKey(name);
  }

  public List<Param> all() {
    return Collections.unmodifiableList(new ArrayList<>(params.values()));
  }

  public List<Param> trainable() {
    return params.values().stream().filter(Param::trainable).toList();
  }

  /** Number of trainable scalars. */
  public long numTrainable() {
    return trainable().stream().mapToLong(Param::numel).sum();
  }

  /**
   * Sets every variable to its initializer's values; each parameter's generator is seeded by (seed,
   * name).
   */
  public void initialize(Session s, long seed) {
    Map<Param, float[]> values = new LinkedHashMap<>();
    for (Param p : params.values()) {
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + p.name().hashCode());
      values.put(p, p.layout().toTf(p.init().sample(p.torchShape(), rng), p.torchShape()));
    }
    assignTf(s, values);
  }

  /**
   * Loads parameters from a state dict (PyTorch layout). Strict: every trainable parameter must be
   * present with the same shape, and every entry of the dict must be a parameter or a known buffer
   * ({@link StateDict#BUFFER_SUFFIXES}).
   *
   * @throws IllegalArgumentException naming the missing weight, the unexpected weight or the shape
   *     mismatch
   */
  public void load(Session s, StateDict sd) {
    for (String n : sd.names()) {
      if (!params.containsKey(n) && !StateDict.isBuffer(n)) {
        throw new IllegalArgumentException(
            "unexpected weight '"
                + n
                + "' in state dict: the model has no such parameter"
                + StateDict.nearest(
                    n,
                    params.values().stream()
                        .filter(p -> p.trainable() && !sd.contains(p.name()))
                        .map(Param::name)
                        .toList()));
      }
    }
    loadSubset(s, sd, p -> p.trainable());
  }

  /**
   * Loads the parameters selected by {@code which} from {@code sd}; each selected parameter must be
   * present with the right shape. Entries of {@code sd} that are not selected are ignored.
   */
  public void loadSubset(Session s, StateDict sd, Predicate<Param> which) {
    Map<Param, float[]> values = new LinkedHashMap<>();
    for (Param p : params.values()) {
      if (!which.test(p)) continue;
      if (!sd.contains(p.name())) {
        throw new IllegalArgumentException(
            "missing weight '"
                + p.name()
                + "' in state dict"
                + StateDict.nearest(
                    p.name(),
                    sd.names().stream()
                        .filter(k -> !params.containsKey(k) && !StateDict.isBuffer(k))
                        .toList()));
      }
      HostTensor t = sd.get(p.name());
      if (!Arrays.equals(t.shape(), p.torchShape())) {
        throw new IllegalArgumentException(
            "shape mismatch for '%s': model expects %s, state dict has %s"
                .formatted(p.name(), Arrays.toString(p.torchShape()), Arrays.toString(t.shape())));
      }
      values.put(p, p.layout().toTf(t.data(), p.torchShape()));
    }
    assignTf(s, values);
  }

  /** Assigns values given in TF layout. */
  public void assignTf(Session s, Map<Param, float[]> values) {
    if (values.isEmpty()) return;
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner r = s.runner();
      for (Map.Entry<Param, float[]> e : values.entrySet()) {
        TFloat32 t = Tensors.of(e.getValue(), e.getKey().tfShape());
        tensors.add(t);
        r.feed(e.getKey().assignIn(), t).addTarget(e.getKey().assign());
      }
      r.run().close();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /** Current values in TF layout. */
  public Map<Param, float[]> fetchTf(Session s, List<Param> which) {
    Map<Param, float[]> out = new LinkedHashMap<>();
    if (which.isEmpty()) return out;
    Session.Runner r = s.runner();
    which.forEach(p -> r.fetch(p.value()));
    try (Result res = r.run()) {
      for (int i = 0; i < which.size(); i++) out.put(which.get(i), Tensors.floats(res.get(i)));
    }
    return out;
  }

  /** The trainable parameters as a state dict in PyTorch layout under their official names. */
  public StateDict stateDict(Session s) {
    StateDict sd = new StateDict();
    fetchTf(s, trainable())
        .forEach(
            (p, v) ->
                sd.put(
                    p.name(),
                    new HostTensor(p.torchShape(), p.layout().toTorch(v, p.torchShape()))));
    return sd;
  }
}
