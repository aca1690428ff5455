package io.github.var4j.vae;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.quant.MultiScaleQuantizer;
import io.github.var4j.scale.ScaleSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A ready-to-use VQ-VAE tokenizer for inference on Java arrays. It owns its Graph, Session and ParamStore (close it).
 *
 * <p>Arrays are row-major: images (n, S, S, inChannels) in [-1, 1]; tokens per scale (n, pn*pn) with the row-major
 * order h*pn+w inside a scale; latents (n, s, s, Cvae). The graph is built once with batch dimension -1; large
 * batches are processed in chunks of {@link #chunkSize()} images.
 */
public final class Tokenizer implements AutoCloseable {
  /** Default number of images per Session.run. */
  public static final int DEFAULT_CHUNK = 64;

  private final VqVaeConfig cfg;
  private final Graph graph;
  private final Session session;
  private final ParamStore ps;
  private final VqVae vae;
  private final int chunk;

  private final Placeholder<TFloat32> imgIn;              // (n, S, S, Cin)
  private final Operand<TFloat32> fOut;                   // (n, s, s, Cvae)
  private final List<Operand<TInt32>> encIdx;             // K x (n, pn*pn)
  private final Operand<TFloat32> encFHatLast;            // (n, s, s, Cvae)
  private final List<Placeholder<TInt32>> idxIn;          // K x (n, pn*pn)
  private final List<Operand<TFloat32>> fHatFromIdx;      // K x (n, s, s, Cvae), cumulative
  private final Operand<TFloat32> varInputOut;            // (n, L - pn0^2, Cvae)
  private final Placeholder<TFloat32> fHatIn;             // (n, s, s, Cvae)
  private final Operand<TFloat32> imgOut;                 // (n, S, S, Cin), clamped
  private final Operand<TFloat32> codebookOut;            // (V, Cvae)

  private Tokenizer(VqVaeConfig cfg, int chunk) {
    if (chunk <= 0) throw new IllegalArgumentException("chunk size must be positive, got " + chunk);
    this.cfg = cfg;
    this.chunk = chunk;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      this.ps = new ParamStore(tf);
      this.vae = new VqVae(ps, cfg);
      int S = cfg.imageSize(), s = cfg.latentSide(), cv = cfg.zChannels();
      MultiScaleQuantizer q = vae.quantizer();

      imgIn = tf.withName("tokenizer.img").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, S, S, cfg.inChannels())));
      fOut = vae.encodeF(imgIn);
      MultiScaleQuantizer.Encoded enc = q.encode(fOut);
      encIdx = List.copyOf(enc.idxBL());
      encFHatLast = enc.fHat().get(enc.fHat().size() - 1);

      List<Placeholder<TInt32>> idx = new ArrayList<>();
      for (int k = 0; k < cfg.patchNums().K(); k++) {
        idx.add(tf.withName("tokenizer.idx" + k).placeholder(TInt32.class,
            Placeholder.shape(Shape.of(-1, cfg.patchNums().tokens(k)))));
      }
      idxIn = List.copyOf(idx);
      List<Operand<TInt32>> idxOps = new ArrayList<>(idxIn);
      fHatFromIdx = List.copyOf(q.fHatFromIdx(idxOps));
      varInputOut = q.varInput(idxOps);

      fHatIn = tf.withName("tokenizer.fhat").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, cv)));
      imgOut = vae.clamp(vae.decode(fHatIn));
      codebookOut = q.codebook();
      this.session = Sessions.create(graph);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Builds the tokenizer and loads an official-layout state dict (strict, see {@link ParamStore#load}). */
  public static Tokenizer load(VqVaeConfig cfg, StateDict sd) {
    return load(cfg, sd, DEFAULT_CHUNK);
  }

  public static Tokenizer load(VqVaeConfig cfg, StateDict sd, int chunk) {
    Tokenizer t = new Tokenizer(cfg, chunk);
    try {
      t.ps.load(t.session, sd);
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** Loads a state dict stored as one {@code <name>.npy} per entry (the fixtures' format). */
  public static Tokenizer loadNpyDir(VqVaeConfig cfg, Path dir) throws IOException {
    return load(cfg, StateDict.loadNpyDir(dir));
  }

  /**
   * Restores the VAE's variables from a TF checkpoint written by {@link TfCheckpoint} (for example by a VAE training
   * run; keys of other variables in the bundle, such as optimizer slots, are ignored).
   */
  public static Tokenizer fromCheckpoint(VqVaeConfig cfg, Path prefix) throws IOException {
    Tokenizer t = new Tokenizer(cfg, DEFAULT_CHUNK);
    try {
      new TfCheckpoint(t.ps).restore(t.session, prefix);
      return t;
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** A tokenizer with freshly initialised (untrained) weights, seeded per parameter name. */
  public static Tokenizer initialized(VqVaeConfig cfg, long seed) {
    Tokenizer t = new Tokenizer(cfg, DEFAULT_CHUNK);
    try {
      t.ps.initialize(t.session, seed);
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  public VqVaeConfig config() {
    return cfg;
  }

  public int chunkSize() {
    return chunk;
  }

  /** The parameter store (official names), e.g. to export {@link ParamStore#stateDict}. */
  public ParamStore params() {
    return ps;
  }

  public Session session() {
    return session;
  }

  /** Tokens of every scale: K arrays of n*pn*pn ids (row-major h*pn+w within each image). */
  public List<int[]> encodeToIndices(float[] imgs, int n) {
    checkImages(imgs, n);
    ScaleSchedule sched = cfg.patchNums();
    List<int[]> out = new ArrayList<>();
    for (int k = 0; k < sched.K(); k++) out.add(new int[n * sched.tokens(k)]);
    int per = imgFloats();
    for (int b0 = 0; b0 < n; b0 += chunk) {
      int m = Math.min(chunk, n - b0);
      try (TFloat32 x = Tensors.of(slice(imgs, b0 * per, m * per), m, cfg.imageSize(), cfg.imageSize(),
          cfg.inChannels())) {
        Session.Runner r = session.runner().feed(imgIn, x);
        encIdx.forEach(r::fetch);
        try (Result res = r.run()) {
          for (int k = 0; k < sched.K(); k++) {
            int[] v = Tensors.ints(res.get(k));
            System.arraycopy(v, 0, out.get(k), b0 * sched.tokens(k), v.length);
          }
        }
      }
    }
    return out;
  }

  /** The continuous latent f = quant_conv(encoder(img)): n*s*s*Cvae floats (NHWC). */
  public float[] encodeF(float[] imgs, int n) {
    checkImages(imgs, n);
    int per = imgFloats(), perF = latentFloats();
    float[] out = new float[n * perF];
    for (int b0 = 0; b0 < n; b0 += chunk) {
      int m = Math.min(chunk, n - b0);
      try (TFloat32 x = Tensors.of(slice(imgs, b0 * per, m * per), m, cfg.imageSize(), cfg.imageSize(),
          cfg.inChannels());
           Result res = session.runner().feed(imgIn, x).fetch(fOut).run()) {
        float[] v = Tensors.floats(res.get(0));
        System.arraycopy(v, 0, out, b0 * perF, v.length);
      }
    }
    return out;
  }

  /** Encode, quantise and decode: the clamped reconstruction (n, S, S, Cin). */
  public float[] reconstruct(float[] imgs, int n) {
    checkImages(imgs, n);
    int per = imgFloats(), perF = latentFloats();
    float[] out = new float[n * per];
    for (int b0 = 0; b0 < n; b0 += chunk) {
      int m = Math.min(chunk, n - b0);
      float[] fHat;
      try (TFloat32 x = Tensors.of(slice(imgs, b0 * per, m * per), m, cfg.imageSize(), cfg.imageSize(),
          cfg.inChannels());
           Result res = session.runner().feed(imgIn, x).fetch(encFHatLast).run()) {
        fHat = Tensors.floats(res.get(0));
      }
      float[] img = decodeChunk(fHat, m);
      System.arraycopy(img, 0, out, b0 * per, img.length);
    }
    return out;
  }

  /** Decodes a latent fHat (n, s, s, Cvae) to the clamped image (n, S, S, Cin). */
  public float[] decodeFHat(float[] fHat, int n) {
    int perF = latentFloats(), per = imgFloats();
    if (n <= 0) throw new IllegalArgumentException("n must be positive, got " + n);
    if (fHat.length != (long) n * perF) {
      throw new IllegalArgumentException("expected " + ((long) n * perF) + " floats for " + n + " latents of "
          + cfg.latentSide() + "x" + cfg.latentSide() + "x" + cfg.zChannels() + ", got " + fHat.length);
    }
    float[] out = new float[n * per];
    for (int b0 = 0; b0 < n; b0 += chunk) {
      int m = Math.min(chunk, n - b0);
      float[] img = decodeChunk(slice(fHat, b0 * perF, m * perF), m);
      System.arraycopy(img, 0, out, b0 * per, img.length);
    }
    return out;
  }

  /** The clamped image decoded from all K scales of tokens. */
  public float[] decodeIndices(List<int[]> idx, int n) {
    List<float[]> fHats = fHatFromIndices(idx, n, false);
    return decodeFHat(fHats.get(0), n);
  }

  /**
   * The coarse-to-fine decode: for every k, the clamped image decoded from the cumulative fHat after scales 0..k
   * (official img_to_reconstructed_img / embed_to_fhat with all_to_max_scale). K arrays of n*S*S*Cin.
   */
  public List<float[]> decodeUpToEachScale(List<int[]> idx, int n) {
    List<float[]> out = new ArrayList<>();
    for (float[] fHat : fHatFromIndices(idx, n, true)) out.add(decodeFHat(fHat, n));
    return out;
  }

  /**
   * The cumulative fHat after every scale (K arrays of n*s*s*Cvae floats), from tokens.
   */
  public List<float[]> fHatPerScale(List<int[]> idx, int n) {
    return fHatFromIndices(idx, n, true);
  }

  /** The codebook E, (V, Cvae) row-major. */
  public float[] codebook() {
    try (Result res = session.runner().fetch(codebookOut).run()) {
      return Tensors.floats(res.get(0));
    }
  }

  /** Teacher-forcing input of VAR (official idxBl_to_var_input): (n, L - pn0^2, Cvae) row-major. */
  public float[] varInput(List<int[]> idx, int n) {
    checkIndices(idx, n);
    int K = cfg.patchNums().K();
    int per = (cfg.patchNums().L() - cfg.patchNums().firstL()) * cfg.zChannels();
    float[] out = new float[n * per];
    for (int b0 = 0; b0 < n; b0 += chunk) {
      int m = Math.min(chunk, n - b0);
      List<TInt32> feeds = idxFeeds(idx, b0, m);
      try {
        Session.Runner r = session.runner();
        for (int k = 0; k < K; k++) r.feed(idxIn.get(k), feeds.get(k));
        try (Result res = r.fetch(varInputOut).run()) {
          float[] v = Tensors.floats(res.get(0));
          System.arraycopy(v, 0, out, b0 * per, v.length);
        }
      } finally {
        feeds.forEach(TInt32::close);
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (session != null) session.close();
    graph.close();
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** all = true: K cumulative fHats; false: only the last (as a one-element list). */
  private List<float[]> fHatFromIndices(List<int[]> idx, int n, boolean all) {
    checkIndices(idx, n);
    int K = cfg.patchNums().K(), perF = latentFloats();
    int outs = all ? K : 1;
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < outs; i++) out.add(new float[n * perF]);
    for (int b0 = 0; b0 < n; b0 += chunk) {
      int m = Math.min(chunk, n - b0);
      List<TInt32> feeds = idxFeeds(idx, b0, m);
      try {
        Session.Runner r = session.runner();
        for (int k = 0; k < K; k++) r.feed(idxIn.get(k), feeds.get(k));
        if (all) fHatFromIdx.forEach(r::fetch);
        else r.fetch(fHatFromIdx.get(K - 1));
        try (Result res = r.run()) {
          for (int i = 0; i < outs; i++) {
            float[] v = Tensors.floats(res.get(i));
            System.arraycopy(v, 0, out.get(i), b0 * perF, v.length);
          }
        }
      } finally {
        feeds.forEach(TInt32::close);
      }
    }
    return out;
  }

  private List<TInt32> idxFeeds(List<int[]> idx, int b0, int m) {
    ScaleSchedule sched = cfg.patchNums();
    List<TInt32> feeds = new ArrayList<>();
    try {
      for (int k = 0; k < sched.K(); k++) {
        int t = sched.tokens(k);
        int[] part = new int[m * t];
        System.arraycopy(idx.get(k), b0 * t, part, 0, m * t);
        feeds.add(Tensors.ofInts(part, m, t));
      }
    } catch (RuntimeException e) {
      feeds.forEach(TInt32::close);
      throw e;
    }
    return feeds;
  }

  private float[] decodeChunk(float[] fHat, int m) {
    int s = cfg.latentSide();
    try (TFloat32 x = Tensors.of(fHat, m, s, s, cfg.zChannels());
         Result res = session.runner().feed(fHatIn, x).fetch(imgOut).run()) {
      return Tensors.floats(res.get(0));
    }
  }

  private void checkImages(float[] imgs, int n) {
    if (n <= 0) throw new IllegalArgumentException("n must be positive, got " + n);
    long want = (long) n * imgFloats();
    if (imgs.length != want) {
      throw new IllegalArgumentException("expected " + want + " floats for " + n + " images of " + cfg.imageSize() + "x"
          + cfg.imageSize() + "x" + cfg.inChannels() + " (NHWC), got " + imgs.length);
    }
  }

  private void checkIndices(List<int[]> idx, int n) {
    if (n <= 0) throw new IllegalArgumentException("n must be positive, got " + n);
    ScaleSchedule sched = cfg.patchNums();
    if (idx.size() != sched.K()) {
      throw new IllegalArgumentException("expected token maps for " + sched.K() + " scales, got " + idx.size());
    }
    int V = cfg.vocabSize();
    for (int k = 0; k < sched.K(); k++) {
      int[] a = idx.get(k);
      long want = (long) n * sched.tokens(k);
      if (a.length != want) {
        throw new IllegalArgumentException("scale " + k + " (pn=" + sched.pn(k) + "): expected " + want
            + " token ids for " + n + " images, got " + a.length);
      }
      for (int v : a) {
        if (v < 0 || v >= V) {
          throw new IllegalArgumentException("scale " + k + ": token id " + v + " is outside [0, " + V + ")");
        }
      }
    }
  }

  private int imgFloats() {
    return cfg.imageSize() * cfg.imageSize() * cfg.inChannels();
  }

  private int latentFloats() {
    return cfg.latentSide() * cfg.latentSide() * cfg.zChannels();
  }

  private static float[] slice(float[] a, int from, int len) {
    if (from == 0 && len == a.length) return a;
    float[] r = new float[len];
    System.arraycopy(a, from, r, 0, len);
    return r;
  }
}
