package io.github.var4j.quant;

import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.Init;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.ParamStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The multi-scale residual quantizer of VAR, a port of the official {@code VectorQuantizer2}
 * (models/quant.py). Graph mode; all maps are NHWC {@code (B, H, W, Cvae)} with H = W = the latent
 * side (last patch number); the batch dimension may be unknown, H, W and Cvae must be static.
 *
 * <p>Parameters (official names, after {@code prefix}, usually {@code "quantize."}):
 *
 * <ul>
 *   <li>{@code embedding.weight} (V, Cvae): one codebook shared by all scales;
 *   <li>the Phi convolutions Conv2d(Cvae, Cvae, 3, pad 1), {@code .weight}/{@code .bias} under
 *       {@code quant_resi.qresi_ls.{j}} (shareQuantResi n >= 2, official 4), {@code
 *       quant_resi.qresi} (1) or {@code quant_resi.{j}} (0, one per scale); none when |quantResi|
 *       <= 1e-6.
 * </ul>
 *
 * Phi(h) = (1-r) h + r conv(h), r = |quantResi|, applied at full resolution after bicubic
 * upsampling. Resampling uses PyTorch's area/bicubic as constant matrices ({@link Resampling}); the
 * last scale is never resampled.
 */
public final class MultiScaleQuantizer {
  private final ParamStore ps;
  private final Ops tf;
  private final String prefix;
  private final QuantizerConfig cfg;
  private final int[] phiIndex;
  private final List<Conv2d> phis = new ArrayList<>();
  private final List<String> phiNames = new ArrayList<>();
  private final Map<String, Operand<TFloat32>> matrices = new HashMap<>();

  /**
   * Creates the parameters with PyTorch's default initialisation (codebook N(0,1), convs
   * U(+-1/sqrt(fanIn))).
   */
  public MultiScaleQuantizer(ParamStore ps, String prefix, QuantizerConfig cfg) {
    this(ps, prefix, cfg, Init.normal(1.0));
  }

  /**
   * @param ps parameter store of the graph
   * @param prefix prefix of every parameter name, e.g. {@code "quantize."} (may be empty)
   * @param cfg configuration
   * @param embeddingInit initialiser of the codebook (official eini: N(0,1) by default, or
   *     U(+-|eini|/V))
   */
  public MultiScaleQuantizer(
      ParamStore ps, String prefix, QuantizerConfig cfg, Init embeddingInit) {
    this.ps = ps;
    this.tf = ps.tf();
    this.prefix = prefix == null ? "" : prefix;
    this.cfg = cfg;
    this.phiIndex = cfg.phiIndex();
    int c = cfg.cvae();
    ps.create(
        this.prefix + "embedding.weight",
        new long[] {cfg.vocabSize(), c},
        Layout.AS_IS,
        embeddingInit);
    int n = cfg.numPhi();
    for (int j = 0; j < n; j++) {
      String name =
          switch (cfg.shareQuantResi()) {
            case 0 -> this.prefix + "quant_resi." + j;
            case 1 -> this.prefix + "quant_resi.qresi";
            default -> this.prefix + "quant_resi.qresi_ls." + j;
          };
      phiNames.add(name);
      phis.add(new Conv2d(ps, name, c, c, 3));
    }
  }

  public QuantizerConfig config() {
    return cfg;
  }

  /** The parameter name prefix given at construction. */
  public String prefix() {
    return prefix;
  }

  /**
   * The module names of the Phi convolutions, e.g. {@code quantize.quant_resi.qresi_ls.0} (empty if
   * identity).
   */
  public List<String> phiNames() {
    return Collections.unmodifiableList(phiNames);
  }

  /** Phi index used by each scale (copy). */
  public int[] phiIndex() {
    return phiIndex.clone();
  }

  /** The codebook E (V, Cvae). */
  public Operand<TFloat32> codebook() {
    return ps.get(prefix + "embedding.weight");
  }

  // ----------------------------------------------------------------------------------------------------------------
  // encode (f_to_idxBl_or_fhat)

  /**
   * Token maps and cumulative reconstructions of all scales.
   *
   * @param idxBL per scale (B, pn*pn) int32, token order row-major h*pn+w
   * @param fHat per scale the cumulative f_hat after that scale (B, H, W, Cvae)
   */
  public record Encoded(List<Operand<TInt32>> idxBL, List<Operand<TFloat32>> fHat) {}

  /**
   * f_to_idxBl_or_fhat: residual quantization of f, scale by scale (the input is not differentiated
   * through the index selection; f_hat depends on the codebook and the Phi convolutions like in the
   * official code).
   *
   * @param fBHWC (B, H, W, Cvae), H = W = latent side
   */
  public Encoded encode(Operand<TFloat32> fBHWC) {
    Run r = quantize(fBHWC, false);
    return new Encoded(r.idx, r.fHats);
  }

  /**
   * VQ training forward (official {@code VectorQuantizer2.forward}).
   *
   * @param fHatST straight-through output {@code (sg(fHat) - sg(f)) + f} (B, H, W, Cvae): value =
   *     final f_hat, gradient = identity to f
   * @param vqLoss scalar {@code (1/K) sum_si [beta MSE(sg(fHat_si), f) + MSE(fHat_si, sg(f))]} with
   *     the CUMULATIVE fHat_si; the first term trains the encoder (commitment), the second the
   *     codebook and the Phis
   * @param idxBL per scale (B, pn*pn)
   */
  public record TrainOut(
      Operand<TFloat32> fHatST, Operand<TFloat32> vqLoss, List<Operand<TInt32>> idxBL) {}

  /** VQ training forward; see {@link TrainOut}. f (B, H, W, Cvae). */
  public TrainOut forwardTrain(Operand<TFloat32> fBHWC) {
    Run r = quantize(fBHWC, true);
    Operand<TFloat32> fNoGrad = tf.stopGradient(fBHWC);
    Operand<TFloat32> fHatLast = r.fHats.get(r.fHats.size() - 1);
    Operand<TFloat32> fHatST = tf.math.add(tf.math.sub(tf.stopGradient(fHatLast), fNoGrad), fBHWC);
    return new TrainOut(fHatST, r.loss, r.idx);
  }

  private record Run(
      List<Operand<TInt32>> idx, List<Operand<TFloat32>> fHats, Operand<TFloat32> loss) {}

  private Run quantize(Operand<TFloat32> fBHWC, boolean withLoss) {
    int side = cfg.patchNums().latentSide();
    requireMap(fBHWC, side, "f");
    int K = cfg.patchNums().K();
    Operand<TFloat32> eNoGrad = tf.stopGradient(codebook()); // (V, C) for the distances only
    Operand<TFloat32> eSq = tf.sum(tf.math.square(eNoGrad), tf.constant(1)); // (V)
    Operand<TFloat32> fNoGrad = tf.stopGradient(fBHWC);
    Operand<TFloat32> fRest = fNoGrad;
    Operand<TFloat32> fHat = null;
    Operand<TFloat32> loss = null;
    Operand<TInt32> allAxes = tf.constant(new int[] {0, 1, 2, 3});
    List<Operand<TInt32>> idxs = new ArrayList<>();
    List<Operand<TFloat32>> fHats = new ArrayList<>();
    for (int si = 0; si < K; si++) {
      int pn = cfg.patchNums().pn(si);
      Operand<TFloat32> z = si == K - 1 ? fRest : area(fRest, pn); // (B, pn, pn, C)
      Operand<TInt32> idxBL =
          tf.reshape(nearest(z, eNoGrad, eSq), tf.constant(new int[] {-1, pn * pn}));
      Operand<TFloat32> h = upsampledPhi(si, lookup(idxBL, pn)); // (B, H, W, C)
      fHat = fHat == null ? h : tf.math.add(fHat, h);
      fRest = tf.math.sub(fRest, h);
      idxs.add(idxBL);
      fHats.add(fHat);
      if (withLoss) {
        Operand<TFloat32> commit =
            tf.math.mean(tf.math.squaredDifference(tf.stopGradient(fHat), fBHWC), allAxes);
        Operand<TFloat32> codebookTerm =
            tf.math.mean(tf.math.squaredDifference(fHat, fNoGrad), allAxes);
        Operand<TFloat32> term =
            tf.math.add(tf.math.mul(commit, tf.constant((float) cfg.beta())), codebookTerm);
        loss = loss == null ? term : tf.math.add(loss, term);
      }
    }
    if (withLoss) loss = tf.math.mul(loss, tf.constant((float) (1.0 / K)));
    return new Run(idxs, fHats, loss);
  }

  /**
   * argmin_V |z - E_v|^2 computed as |z|^2 + |E|^2 - 2 z E^T; z (B, pn, pn, C) to (B*pn*pn) int32.
   */
  private Operand<TInt32> nearest(Operand<TFloat32> z, Operand<TFloat32> e, Operand<TFloat32> eSq) {
    Operand<TFloat32> zNC = tf.reshape(z, tf.constant(new int[] {-1, cfg.cvae()})); // (N, C)
    Operand<TFloat32> zSq =
        tf.sum(tf.math.square(zNC), tf.constant(1), Sum.keepDims(true)); // (N, 1)
    Operand<TFloat32> ze = tf.linalg.matMul(zNC, e, MatMul.transposeB(true)); // (N, V)
    Operand<TFloat32> d = tf.math.sub(tf.math.add(zSq, eSq), tf.math.mul(ze, tf.constant(2f)));
    return tf.math.argMin(d, tf.constant(1), TInt32.class);
  }

  /** E[idx]: (B, pn*pn) to (B, pn, pn, C). */
  private Operand<TFloat32> lookup(Operand<TInt32> idxBL, int pn) {
    Operand<TFloat32> h = tf.gather(codebook(), idxBL, tf.constant(0)); // (B, pn*pn, C)
    return tf.reshape(h, tf.constant(new int[] {-1, pn, pn, cfg.cvae()}));
  }

  /** Phi_si(bicubic(h -> H)) (no resampling at the last scale): (B, pn, pn, C) to (B, H, W, C). */
  private Operand<TFloat32> upsampledPhi(int si, Operand<TFloat32> hBhwC) {
    Operand<TFloat32> h =
        si == cfg.patchNums().K() - 1 ? hBhwC : bicubic(hBhwC, cfg.patchNums().latentSide());
    return phi(si, h);
  }

  // ----------------------------------------------------------------------------------------------------------------
  // decoding side

  /**
   * embed_to_fhat from token indices: per scale the cumulative f_hat (B, H, W, Cvae). Accepts the
   * first n <= K scales and returns n maps.
   *
   * @param idxBL per scale (B, pn*pn) int32
   */
  public List<Operand<TFloat32>> fHatFromIdx(List<Operand<TInt32>> idxBL) {
    requireScales(idxBL.size(), "idxBL");
    List<Operand<TFloat32>> hs = new ArrayList<>();
    for (int si = 0; si < idxBL.size(); si++) hs.add(lookup(idxBL.get(si), cfg.patchNums().pn(si)));
    return fHatFromEmbeddings(hs);
  }

  /**
   * embed_to_fhat(all_to_max_scale=True): per scale the cumulative f_hat (B, H, W, Cvae) from the
   * token embeddings h_si (B, pn_si, pn_si, Cvae). Accepts the first n <= K scales.
   */
  public List<Operand<TFloat32>> fHatFromEmbeddings(List<Operand<TFloat32>> hBhwC) {
    requireScales(hBhwC.size(), "hBhwC");
    List<Operand<TFloat32>> out = new ArrayList<>();
    Operand<TFloat32> fHat = null;
    for (int si = 0; si < hBhwC.size(); si++) {
      requireMap(hBhwC.get(si), cfg.patchNums().pn(si), "h[" + si + "]");
      Operand<TFloat32> h = upsampledPhi(si, hBhwC.get(si));
      fHat = fHat == null ? h : tf.math.add(fHat, h);
      out.add(fHat);
    }
    return out;
  }

  /**
   * idxBl_to_var_input: the teacher-forcing input of VAR, (B, L - pn_0^2, Cvae) channel-last with
   * row-major tokens. For si = 0..K-2: f_hat += Phi_si(bicubic(E[idx_si] -> H)); append area(f_hat
   * -> pn_{si+1}) flattened. Uses the first K-1 entries of {@code idxBL} (K or K-1 entries may be
   * passed).
   */
  public Operand<TFloat32> varInput(List<Operand<TInt32>> idxBL) {
    int K = cfg.patchNums().K();
    if (K < 2)
      throw new IllegalArgumentException("varInput needs at least 2 scales, patchNums has " + K);
    if (idxBL.size() != K && idxBL.size() != K - 1) {
      throw new IllegalArgumentException(
          "idxBL must have K=" + K + " (or K-1) entries, got " + idxBL.size());
    }
    List<Operand<TFloat32>> parts = new ArrayList<>();
    Operand<TFloat32> fHat = null;
    for (int si = 0; si < K - 1; si++) {
      Operand<TFloat32> h = upsampledPhi(si, lookup(idxBL.get(si), cfg.patchNums().pn(si)));
      fHat = fHat == null ? h : tf.math.add(fHat, h);
      int next = cfg.patchNums().pn(si + 1);
      parts.add(tf.reshape(area(fHat, next), tf.constant(new int[] {-1, next * next, cfg.cvae()})));
    }
    return parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(1));
  }

  /**
   * f_hat after one more scale and the next scale's input.
   *
   * @param fHat (B, H, W, Cvae) before this scale
   * @param next (B, pn_{si+1}, pn_{si+1}, Cvae) = area(fHat -> pn_{si+1}); at the last scale {@code
   *     next == fHat}
   */
  public record Next(Operand<TFloat32> fHat, Operand<TFloat32> next) {}

  /**
   * get_next_autoregressive_input (VAR inference): si < K-1: fHat += Phi_si(bicubic(h -> H)), next
   * = area(fHat -> pn_{si+1}); si == K-1: fHat += Phi_si(h), next = fHat.
   *
   * @param fHat (B, H, W, Cvae) accumulated so far; {@code null} means zeros (use it at si = 0)
   * @param hBhwC the embeddings E[idx] of scale si (B, pn_si, pn_si, Cvae)
   */
  public Next nextAutoregressiveInput(int si, Operand<TFloat32> fHat, Operand<TFloat32> hBhwC) {
    int K = cfg.patchNums().K();
    if (si < 0 || si >= K)
      throw new IllegalArgumentException("scale index must be in [0, " + (K - 1) + "], got " + si);
    requireMap(hBhwC, cfg.patchNums().pn(si), "h");
    if (fHat != null) requireMap(fHat, cfg.patchNums().latentSide(), "fHat");
    Operand<TFloat32> h = upsampledPhi(si, hBhwC);
    Operand<TFloat32> f = fHat == null ? h : tf.math.add(fHat, h);
    return new Next(f, si == K - 1 ? f : area(f, cfg.patchNums().pn(si + 1)));
  }

  /**
   * Phi_si on (B, H, W, Cvae): (1-r) h + r conv_{phiIndex[si]}(h); the identity when |quantResi| <=
   * 1e-6.
   */
  public Operand<TFloat32> phi(int si, Operand<TFloat32> h) {
    if (si < 0 || si >= cfg.patchNums().K()) {
      throw new IllegalArgumentException(
          "scale index must be in [0, " + (cfg.patchNums().K() - 1) + "], got " + si);
    }
    if (phis.isEmpty()) return h;
    float r = (float) Math.abs(cfg.quantResi());
    Operand<TFloat32> conv = phis.get(phiIndex[si]).apply(h);
    return tf.math.add(tf.math.mul(h, tf.constant(1f - r)), tf.math.mul(conv, tf.constant(r)));
  }

  // ----------------------------------------------------------------------------------------------------------------
  // resampling

  /**
   * PyTorch area resampling (adaptive avg pool) (B, s, s, C) to (B, to, to, C); identity when s ==
   * to.
   */
  public Operand<TFloat32> area(Operand<TFloat32> x, int to) {
    return resample(x, to, "area");
  }

  /**
   * PyTorch bicubic resampling (align_corners=False) (B, s, s, C) to (B, to, to, C); identity when
   * s == to.
   */
  public Operand<TFloat32> bicubic(Operand<TFloat32> x, int to) {
    return resample(x, to, "bicubic");
  }

  /** Separable M X M^T with two broadcast batch matmuls and no transposes. */
  private Operand<TFloat32> resample(Operand<TFloat32> x, int to, String kind) {
    Shape sh = x.shape();
    if (sh.numDimensions() != 4
        || sh.isUnknown()
        || sh.get(1) < 0
        || sh.get(1) != sh.get(2)
        || sh.get(3) < 0) {
      throw new IllegalArgumentException(
          kind + " expects a square (B, s, s, C) map with static s and C, got " + sh);
    }
    if (to < 1) throw new IllegalArgumentException(kind + ": target size must be >= 1, got " + to);
    int s = (int) sh.get(1), c = (int) sh.get(3);
    if (s == to) return x;
    Operand<TFloat32> m = matrix(kind, s, to); // (to, s)
    Operand<TFloat32> xr = tf.reshape(x, tf.constant(new int[] {-1, s, c})); // (B*s_h, s_w, C)
    Operand<TFloat32> y = tf.train.batchMatMul(m, xr, TFloat32.class); // (B*s_h, to_w, C)
    y = tf.reshape(y, tf.constant(new int[] {-1, s, to * c})); // (B, s_h, to_w*C)
    y = tf.train.batchMatMul(m, y, TFloat32.class); // (B, to_h, to_w*C)
    return tf.reshape(y, tf.constant(new int[] {-1, to, to, c}));
  }

  private Operand<TFloat32> matrix(String kind, int in, int out) {
    return matrices.computeIfAbsent(
        kind + ":" + in + ":" + out,
        k -> {
          float[] m = kind.equals("area") ? Resampling.area(in, out) : Resampling.bicubic(in, out);
          return tf.constant(Shape.of(out, in), DataBuffers.of(m, true, false));
        });
  }

  // ----------------------------------------------------------------------------------------------------------------
  // checks

  private void requireMap(Operand<TFloat32> x, int side, String what) {
    Shape s = x.shape();
    boolean ok =
        s.numDimensions() == 4 && s.get(1) == side && s.get(2) == side && s.get(3) == cfg.cvae();
    if (!ok) {
      throw new IllegalArgumentException(
          what + " must be (B, " + side + ", " + side + ", " + cfg.cvae() + ") NHWC, got " + s);
    }
  }

  private void requireScales(int n, String what) {
    if (n < 1 || n > cfg.patchNums().K()) {
      throw new IllegalArgumentException(
          what + " must have 1.." + cfg.patchNums().K() + " scales, got " + n);
    }
  }
}
