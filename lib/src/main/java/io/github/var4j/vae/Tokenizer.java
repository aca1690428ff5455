package io.github.var4j.vae;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.scale.ScaleSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Session;

/**
 * A ready-to-use VQ-VAE tokenizer for inference on Java arrays. It owns a {@link GraphRuntime}
 * (graph and session) and a ParamStore (close it), or lives {@link #within} another graph that
 * holds the VQ-VAE.
 *
 * <p>Arrays are row-major: images (n, S, S, inChannels) in [-1, 1]; tokens per scale (n, pn*pn)
 * with the row-major order h*pn+w inside a scale; latents (n, s, s, Cvae). The graph ({@link
 * TokenizerGraph}) is built once with batch dimension -1; large batches are processed in chunks of
 * {@link #chunkSize()} images.
 */
public final class Tokenizer implements AutoCloseable {
  /** Default number of images per Session.run. */
  public static final int DEFAULT_CHUNK = 64;

  private final VqVaeConfig cfg;
  private final GraphRuntime rt;
  private final boolean ownsRuntime;
  private final ParamStore ps;
  private final int chunk;
  private final TokenizerGraph g;
  private float[] codebookHost; // E (V, Cvae), fetched by the first rasterInput

  /**
   * Builds the inference ops of {@code vae} (whose variables live in {@code ps}) into {@code rt}'s
   * graph.
   */
  private Tokenizer(GraphRuntime rt, boolean ownsRuntime, ParamStore ps, VqVae vae, int chunk) {
    if (chunk <= 0) throw new IllegalArgumentException("chunk size must be positive, got " + chunk);
    this.cfg = vae.config();
    this.rt = rt;
    this.ownsRuntime = ownsRuntime;
    this.ps = ps;
    this.chunk = chunk;
    this.g = new TokenizerGraph(rt.tf(), ps.prefix(), vae);
  }

  /** A tokenizer with its own graph and session (variables uninitialised). */
  private static Tokenizer standalone(VqVaeConfig cfg, int chunk) {
    GraphRuntime rt = new GraphRuntime();
    try {
      ParamStore ps = new ParamStore(rt.tf());
      return new Tokenizer(rt, true, ps, new VqVae(ps, cfg), chunk);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  /**
   * A tokenizer inside another graph that already holds the VQ-VAE {@code vae} (its variables in
   * {@code ps}): it shares those variables and the runtime's session, and closing it leaves the
   * runtime open. The VAR sampler encodes and decodes through it.
   */
  public static Tokenizer within(GraphRuntime rt, ParamStore ps, VqVae vae, int chunk) {
    return new Tokenizer(rt, false, ps, vae, chunk);
  }

  /**
   * Builds the tokenizer and loads an official-layout state dict (strict, see {@link
   * ParamStore#load}).
   */
  public static Tokenizer load(VqVaeConfig cfg, StateDict sd) {
    return load(cfg, sd, DEFAULT_CHUNK);
  }

  public static Tokenizer load(VqVaeConfig cfg, StateDict sd, int chunk) {
    return GraphRuntime.initOrClose(standalone(cfg, chunk), t -> t.ps.load(t.session(), sd));
  }

  /**
   * Loads a state dict stored as one {@code <name>.npy} per entry (a model directory's weights).
   */
  public static Tokenizer loadNpyDir(VqVaeConfig cfg, Path dir) throws IOException {
    return load(cfg, StateDict.loadNpyDir(dir));
  }

  /**
   * Restores the VAE's variables from a TF checkpoint written by {@link TfCheckpoint} (for example
   * by a VAE training run; keys of other variables in the bundle, such as optimizer slots, are
   * ignored).
   */
  public static Tokenizer fromCheckpoint(VqVaeConfig cfg, Path prefix) throws IOException {
    return GraphRuntime.initOrClose(
        standalone(cfg, DEFAULT_CHUNK), t -> new TfCheckpoint(t.ps).restore(t.session(), prefix));
  }

  /** A tokenizer with freshly initialised (untrained) weights, seeded per parameter name. */
  public static Tokenizer initialized(VqVaeConfig cfg, long seed) {
    return GraphRuntime.initOrClose(
        standalone(cfg, DEFAULT_CHUNK), t -> t.ps.initialize(t.session(), seed));
  }

  /**
   * The weights of {@link #initialized} under the official names: a seeded untrained tokenizer's
   * state dict, for benchmarks and samplers whose timing does not depend on the weights.
   */
  public static StateDict initializedStateDict(VqVaeConfig cfg, long seed) {
    try (Tokenizer t = initialized(cfg, seed)) {
      return t.params().stateDict(t.session());
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
    return rt.session();
  }

  /** Tokens of every scale: K arrays of n*pn*pn ids (row-major h*pn+w within each image). */
  public List<int[]> encodeToIndices(float[] imgs, int n) {
    checkImages(imgs, n);
    ScaleSchedule pn = cfg.patchNums();
    List<int[]> out = new ArrayList<>();
    for (int k = 0; k < pn.K(); k++) out.add(new int[n * pn.tokens(k)]);
    GraphRuntime.chunks(
        n,
        chunk,
        (b0, m) -> {
          try (GraphRuntime.Outputs res = feedImages(imgs, b0, m).fetch(g.encIdx).run()) {
            for (int k = 0; k < pn.K(); k++) {
              int[] v = res.ints(k);
              System.arraycopy(v, 0, out.get(k), b0 * pn.tokens(k), v.length);
            }
          }
        });
    return out;
  }

  /** The continuous latent f = quant_conv(encoder(img)): n*s*s*Cvae floats (NHWC). */
  public float[] encodeF(float[] imgs, int n) {
    checkImages(imgs, n);
    return inChunks(n, latentFloats(), (b0, m) -> floats(feedImages(imgs, b0, m).fetch(g.fOut)));
  }

  /** Encode, quantise and decode: the clamped reconstruction (n, S, S, Cin). */
  public float[] reconstruct(float[] imgs, int n) {
    checkImages(imgs, n);
    return inChunks(
        n,
        imgFloats(),
        (b0, m) -> decodeChunk(floats(feedImages(imgs, b0, m).fetch(g.encFHatLast)), m));
  }

  /** Decodes a latent fHat (n, s, s, Cvae) to the clamped image (n, S, S, Cin). */
  public float[] decodeFHat(float[] fHat, int n) {
    int perF = latentFloats(), per = imgFloats();
    TokenizerArrays.checkLatents(cfg, fHat, n);
    return inChunks(
        n, per, (b0, m) -> decodeChunk(TokenizerArrays.slice(fHat, b0 * perF, m * perF), m));
  }

  /** The clamped image decoded from all K scales of tokens. */
  public float[] decodeIndices(List<int[]> idx, int n) {
    List<float[]> fHats = fHatFromIndices(idx, n, false);
    return decodeFHat(fHats.get(0), n);
  }

  /**
   * The coarse-to-fine decode: for every k, the clamped image decoded from the cumulative fHat
   * after scales 0..k (official img_to_reconstructed_img / embed_to_fhat with all_to_max_scale). K
   * arrays of n*S*S*Cin.
   */
  public List<float[]> decodeUpToEachScale(List<int[]> idx, int n) {
    List<float[]> out = new ArrayList<>();
    for (float[] fHat : fHatFromIndices(idx, n, true)) out.add(decodeFHat(fHat, n));
    return out;
  }

  /** The cumulative fHat after every scale (K arrays of n*s*s*Cvae floats), from tokens. */
  public List<float[]> fHatPerScale(List<int[]> idx, int n) {
    return fHatFromIndices(idx, n, true);
  }

  /** The codebook E, (V, Cvae) row-major. */
  public float[] codebook() {
    return floats(rt.run().fetch(g.codebookOut));
  }

  /** Teacher-forcing input of VAR (official idxBl_to_var_input): (n, L - pn0^2, Cvae) row-major. */
  public float[] varInput(List<int[]> idx, int n) {
    if (g.varInputOut == null)
      throw new IllegalStateException(
          "a single-scale tokenizer (patchNums " + cfg.patchNums() + ") has no next-scale input");
    checkTokens(idx, n);
    ScaleSchedule pn = cfg.patchNums();
    int per = (pn.L() - pn.firstL()) * cfg.zChannels();
    return inChunks(
        n, per, (b0, m) -> floats(feedIndices(rt.run(), idx, b0, m).fetch(g.varInputOut)));
  }

  /**
   * Teacher-forcing input of a raster-order model (single-scale tokenizer): the codebook vectors
   * E[r_0..r_{L-2}] of the first L - 1 tokens, (n, L - 1, Cvae) row-major. Token i of the sequence
   * is predicted from E[r_{i-1}] (token 0 from the class token alone).
   *
   * @throws IllegalStateException for a multi-scale tokenizer
   */
  public float[] rasterInput(List<int[]> idx, int n) {
    if (cfg.patchNums().K() != 1)
      throw new IllegalStateException(
          "raster input needs a single-scale tokenizer, patchNums is " + cfg.patchNums());
    checkTokens(idx, n);
    int l = cfg.patchNums().L(), cv = cfg.zChannels();
    if (codebookHost == null) codebookHost = codebook();
    int[] tok = idx.get(0);
    float[] out = new float[n * (l - 1) * cv];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < l - 1; i++) {
        System.arraycopy(codebookHost, tok[b * l + i] * cv, out, (b * (l - 1) + i) * cv, cv);
      }
    }
    return out;
  }

  /** Closes the graph and session, unless this tokenizer lives {@link #within} another runtime. */
  @Override
  public void close() {
    if (ownsRuntime) rt.close();
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** all = true: K cumulative fHats; false: only the last (as a one-element list). */
  private List<float[]> fHatFromIndices(List<int[]> idx, int n, boolean all) {
    checkTokens(idx, n);
    int K = cfg.patchNums().K(), perF = latentFloats();
    int outs = all ? K : 1;
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < outs; i++) out.add(new float[n * perF]);
    GraphRuntime.chunks(
        n,
        chunk,
        (b0, m) -> {
          GraphRuntime.Run run = feedIndices(rt.run(), idx, b0, m);
          if (all) run.fetch(g.fHatFromIdx);
          else run.fetch(g.fHatFromIdx.get(K - 1));
          try (GraphRuntime.Outputs res = run.run()) {
            for (int i = 0; i < outs; i++) {
              float[] v = res.floats(i);
              System.arraycopy(v, 0, out.get(i), b0 * perF, v.length);
            }
          }
        });
    return out;
  }

  /** Feeds the token maps of images [b0, b0 + m) to the K index placeholders. */
  private GraphRuntime.Run feedIndices(GraphRuntime.Run run, List<int[]> idx, int b0, int m) {
    ScaleSchedule pn = cfg.patchNums();
    for (int k = 0; k < pn.K(); k++) {
      int t = pn.tokens(k);
      int[] part = new int[m * t];
      System.arraycopy(idx.get(k), b0 * t, part, 0, m * t);
      run.feed(g.idxIn.get(k), part, m, t);
    }
    return run;
  }

  /** A run that feeds images [b0, b0 + m) of {@code imgs} (n, S, S, Cin). */
  private GraphRuntime.Run feedImages(float[] imgs, int b0, int m) {
    int per = imgFloats(), S = cfg.imageSize();
    return rt.run()
        .feed(g.imgIn, TokenizerArrays.slice(imgs, b0 * per, m * per), m, S, S, cfg.inChannels());
  }

  /** The clamped images (m, S, S, Cin) decoded from m latents (m, s, s, Cvae). */
  private float[] decodeChunk(float[] fHat, int m) {
    int s = cfg.latentSide();
    return floats(rt.run().feed(g.fHatIn, fHat, m, s, s, cfg.zChannels()).fetch(g.imgOut));
  }

  /** The first fetch of {@code run}, as floats. */
  private static float[] floats(GraphRuntime.Run run) {
    try (GraphRuntime.Outputs res = run.run()) {
      return res.floats(0);
    }
  }

  /** The values of images [b0, b0 + m): m·per floats. */
  @FunctionalInterface
  private interface ChunkValues {
    float[] of(int b0, int m);
  }

  /** {@code body} on consecutive chunks of the n images, concatenated: n·per floats. */
  private float[] inChunks(int n, int per, ChunkValues body) {
    float[] out = new float[n * per];
    GraphRuntime.chunks(
        n,
        chunk,
        (b0, m) -> {
          float[] v = body.of(b0, m);
          System.arraycopy(v, 0, out, b0 * per, v.length);
        });
    return out;
  }

  private void checkImages(float[] imgs, int n) {
    TokenizerArrays.checkImages(cfg, imgs, n);
  }

  /**
   * Checks token maps of n images: K arrays of n·pn_k² ids in [0, V).
   *
   * @throws IllegalArgumentException e.g. "scale 2 (pn=3): expected 18 token ids for 2 images, got
   *     9"
   */
  public void checkTokens(List<int[]> idx, int n) {
    TokenizerArrays.checkTokens(cfg, idx, n);
  }

  private int imgFloats() {
    return TokenizerArrays.imageFloats(cfg);
  }

  private int latentFloats() {
    return TokenizerArrays.latentFloats(cfg);
  }
}
