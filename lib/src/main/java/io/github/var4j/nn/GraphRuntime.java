package io.github.var4j.nn;

import io.github.var4j.util.Require;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/**
 * One TF graph and its session: the one way var4j runs graphs. The owner builds ops with {@link
 * #tf()}, then runs them with {@link #run()}: named feeds (placeholders and host arrays), fetches,
 * targets; the feed tensors and the {@link Result} are closed for the caller. {@link #chunks}
 * splits a batch into runs of at most {@code chunk} images.
 *
 * <p>The session is created at the first run (ops may still be added later: TF extends a session's
 * graph). {@link #close} closes the session, then the graph. Not thread-safe: owners synchronise if
 * they need to.
 *
 * <pre>{@code
 * GraphRuntime rt = new GraphRuntime();
 * Placeholder<TFloat32> x = rt.tf().placeholder(TFloat32.class);
 * Operand<TFloat32> y = rt.tf().math.square(x);
 * try (GraphRuntime.Outputs out = rt.run().feed(x, new float[] {1, 2}, 2).fetch(y).run()) {
 *   float[] v = out.floats(0);                                      // {1, 4}
 * }
 * }</pre>
 */
public final class GraphRuntime implements AutoCloseable {
  private final Graph graph;
  private final Ops tf;
  private final Function<Graph, Session> sessions;
  private Session session;

  /** A new empty graph (its session comes at the first run, {@link Sessions#create}). */
  public GraphRuntime() {
    this(Sessions::create);
  }

  /**
   * A new empty graph whose session {@code sessions} makes at the first run, e.g. {@link
   * Cluster#newSession} for a session through a task's TF server.
   */
  public GraphRuntime(Function<Graph, Session> sessions) {
    this.graph = new Graph();
    this.tf = Ops.create(graph);
    this.sessions = sessions;
  }

  /** The op builder of this graph. */
  public Ops tf() {
    return tf;
  }

  public Graph graph() {
    return graph;
  }

  /** The session, created on first use. */
  public synchronized Session session() {
    if (session == null) session = sessions.apply(graph);
    return session;
  }

  /** A new run: add feeds, fetches and targets, then {@link Run#run()}. */
  public Run run() {
    return new Run();
  }

  /**
   * Initialises a fresh owner of a runtime, closing it if the initialisation throws (so a failed
   * load leaks no native memory). Returns the owner.
   */
  public static <T extends AutoCloseable, E extends Exception> T initOrClose(
      T owner, Init<? super T, E> init) throws E {
    try {
      init.accept(owner);
      return owner;
    } catch (Exception | Error e) {
      try {
        owner.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The initialisation of an owner ({@link #initOrClose}), which may throw {@code E}. */
  @FunctionalInterface
  public interface Init<T, E extends Exception> {
    void accept(T owner) throws E;
  }

  /** The body of one chunk: images [b0, b0 + m). */
  @FunctionalInterface
  public interface ChunkBody {
    void run(int b0, int m);
  }

  /**
   * Calls {@code body} for consecutive chunks [b0, b0 + m) covering [0, n), each of at most {@code
   * chunk} items.
   *
   * @throws IllegalArgumentException if n or chunk is not positive
   */
  public static void chunks(int n, int chunk, ChunkBody body) {
    Require.positive("n", n);
    if (chunk <= 0) throw new IllegalArgumentException("chunk size must be positive, got " + chunk);
    for (int b0 = 0; b0 < n; b0 += chunk) body.run(b0, Math.min(chunk, n - b0));
  }

  @Override
  public synchronized void close() {
    if (session != null) session.close();
    session = null;
    graph.close();
  }

  /**
   * Feeds, fetches and targets of one {@code Session.run}. Host arrays become tensors only inside
   * {@link #run()}.
   */
  public final class Run {
    /** A feed: how to get its tensor, and whether the run made it (and so closes it). */
    private record Feed(Supplier<Tensor> open, boolean owned) {}

    private final List<Operand<?>> feedOps = new ArrayList<>();
    private final List<Feed> feeds = new ArrayList<>();
    private final List<Operand<?>> fetches = new ArrayList<>();
    private final List<Op> targets = new ArrayList<>();

    private Run() {}

    /**
     * Feeds floats of the given shape to a placeholder (the tensor is made and closed by the run).
     */
    public Run feed(Operand<?> placeholder, float[] data, long... shape) {
      return add(placeholder, new Feed(() -> Tensors.of(data, shape), true));
    }

    /**
     * Feeds ints of the given shape to a placeholder (the tensor is made and closed by the run).
     */
    public Run feed(Operand<?> placeholder, int[] data, long... shape) {
      return add(placeholder, new Feed(() -> Tensors.ofInts(data, shape), true));
    }

    /**
     * Feeds longs of the given shape to a placeholder (the tensor is made and closed by the run).
     */
    public Run feed(Operand<?> placeholder, long[] data, long... shape) {
      return add(placeholder, new Feed(() -> Tensors.ofLongs(data, shape), true));
    }

    /**
     * Feeds booleans of the given shape to a placeholder (the tensor is made and closed by the
     * run).
     */
    public Run feed(Operand<?> placeholder, boolean[] data, long... shape) {
      return add(placeholder, new Feed(() -> Tensors.ofBools(data, shape), true));
    }

    /** Feeds a tensor the caller owns (and closes). */
    public Run feed(Operand<?> placeholder, Tensor t) {
      return add(placeholder, new Feed(() -> t, false));
    }

    private Run add(Operand<?> placeholder, Feed f) {
      if (placeholder == null)
        throw new IllegalArgumentException("feed placeholder must not be null");
      feedOps.add(placeholder);
      feeds.add(f);
      return this;
    }

    /** Fetches outputs, in order: {@link Outputs} index i is the i-th fetched operand. */
    public Run fetch(Operand<?>... ops) {
      for (Operand<?> o : ops) fetches.add(o);
      return this;
    }

    /** Fetches a list of outputs, in order. */
    public Run fetch(List<? extends Operand<?>> ops) {
      fetches.addAll(ops);
      return this;
    }

    /** Runs an op for its effect (e.g. an optimiser update or a variable assignment). */
    public Run target(Op op) {
      targets.add(op);
      return this;
    }

    /** Runs the session; the feed tensors made here are closed before this returns. */
    public Outputs run() {
      List<Tensor> owned = new ArrayList<>();
      try {
        Session.Runner r = session().runner();
        for (int i = 0; i < feeds.size(); i++) {
          Tensor t = feeds.get(i).open().get();
          if (feeds.get(i).owned()) owned.add(t);
          r.feed(feedOps.get(i), t);
        }
        fetches.forEach(r::fetch);
        targets.forEach(r::addTarget);
        return new Outputs(r.run());
      } finally {
        owned.forEach(Tensor::close);
      }
    }
  }

  /**
   * The fetched values of one run, by fetch index; close it (try-with-resources) to free the native
   * tensors.
   */
  public static final class Outputs implements AutoCloseable {
    private final Result result;

    private Outputs(Result result) {
      this.result = result;
    }

    public int size() {
      return result.size();
    }

    /** Fetch i as floats (row-major). */
    public float[] floats(int i) {
      return Tensors.floats(result.get(i));
    }

    /** Fetch i as doubles (row-major; a float64 output). */
    public double[] doubles(int i) {
      return Tensors.doubles(result.get(i));
    }

    /** Fetch i as ints (row-major; int64 values are narrowed). */
    public int[] ints(int i) {
      return Tensors.ints(result.get(i));
    }

    /** Fetch i as a tensor still owned by these outputs. */
    public Tensor tensor(int i) {
      return result.get(i);
    }

    @Override
    public void close() {
      result.close();
    }
  }
}
