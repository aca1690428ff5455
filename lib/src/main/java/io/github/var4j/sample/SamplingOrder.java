package io.github.var4j.sample;

import io.github.var4j.quant.MultiScaleQuantizer;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.TokenOrder;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What the token order decides in the sampling loop of {@link SamplerGraph}: the steps ({@link
 * TokenOrder}: one scale or one token each), each step's guidance ratio, its random streams, and
 * what the embeddings h of its drawn tokens do to the latent and to the next step's input.
 *
 * <pre>
 * NEXT_SCALE (VAR), step si = scale si, l = pn_si²:
 *   ratio = si / (K-1)                                  CFG ramp and more_smooth
 *   fHat += Phi_si(up(h));  next = area(fHat -> pn_{si+1})              (B, pn_{si+1}², Cvae)
 *   seed of (si, purpose) = (seed, chunk) + (0, (2·si + purpose + 1) &lt;&lt; 32)
 * RASTER (baseline), step p = token p of the one pn x pn map, l = 1:
 *   ratio = 1                                           constant guidance, no more_smooth
 *   map = [map; h];  next = h;  after the last step fHat = Phi_0(map)               (B, 1, Cvae)
 *   seed of p = (seed + chunk, p)
 * </pre>
 */
abstract class SamplingOrder {
  /**
   * The latent state after a step, its f̂ where the step completes a scale of the result, and the
   * next step's input.
   *
   * @param state what later steps build on (next-scale: f̂; raster: the embeddings so far)
   * @param fHat (B, s, s, Cvae) where the step ends a scale, else null
   * @param nextBlCv the next step's input (B, l_{s+1}, Cvae), null after the last step
   */
  record Next(Operand<TFloat32> state, Operand<TFloat32> fHat, Operand<TFloat32> nextBlCv) {}

  final TokenOrder order;
  final ScaleSchedule patchNums;
  final MultiScaleQuantizer quant;
  final Ops tf;

  private SamplingOrder(
      TokenOrder order, ScaleSchedule patchNums, MultiScaleQuantizer quant, Ops tf) {
    this.order = order;
    this.patchNums = patchNums;
    this.quant = quant;
    this.tf = tf;
  }

  static SamplingOrder of(
      Ops tf, TokenOrder order, ScaleSchedule patchNums, MultiScaleQuantizer quant) {
    return order == TokenOrder.NEXT_SCALE
        ? new NextScale(patchNums, quant, tf)
        : new Raster(patchNums, quant, tf);
  }

  int numSteps() {
    return order.numSteps(patchNums);
  }

  int begin(int step) {
    return order.stepBegin(patchNums, step);
  }

  int tokens(int step) {
    return order.stepTokens(patchNums, step);
  }

  /** The step's progress ratio: its CFG weight is cfg·ratio, more_smooth's temperature follows. */
  abstract double ratio(int step);

  /** Whether more_smooth applies (it feeds soft embeddings forward, a next-scale technique). */
  abstract boolean smooths();

  /** The (2) int64 seed pair fed for a run: chunk {@code chunk} of a batch. */
  abstract long[] seedPair(long seed, long chunk);

  /** What step s adds to the seed pair for its draws (purpose 0) and its Gumbel noise (1). */
  abstract long seedOffset(int step, int purpose);

  /**
   * The step's token embeddings h (B, l, Cvae) applied to the state of the earlier steps (null
   * before the first).
   */
  abstract Next advance(int step, Operand<TFloat32> state, Operand<TFloat32> hBlCv);

  /** (B, n, Cvae) to (B, side, side, Cvae). */
  Operand<TFloat32> square(Operand<TFloat32> xBnCv, int side) {
    return tf.reshape(xBnCv, tf.constant(new int[] {-1, side, side, quant.config().cvae()}));
  }

  private static final class NextScale extends SamplingOrder {
    NextScale(ScaleSchedule patchNums, MultiScaleQuantizer quant, Ops tf) {
      super(TokenOrder.NEXT_SCALE, patchNums, quant, tf);
    }

    @Override
    double ratio(int si) {
      return Sampling.ratio(si, patchNums.K());
    }

    @Override
    boolean smooths() {
      return true;
    }

    @Override
    long[] seedPair(long seed, long chunk) {
      return new long[] {seed, chunk};
    }

    @Override
    long seedOffset(int si, int purpose) {
      return (long) (2 * si + purpose + 1) << 32;
    }

    @Override
    Next advance(int si, Operand<TFloat32> fHat, Operand<TFloat32> hBlCv) {
      MultiScaleQuantizer.Next nx =
          quant.nextAutoregressiveInput(si, fHat, square(hBlCv, patchNums.pn(si)));
      if (si == patchNums.K() - 1) return new Next(nx.fHat(), nx.fHat(), null);
      int l1 = patchNums.tokens(si + 1);
      Operand<TFloat32> next =
          tf.reshape(nx.next(), tf.constant(new int[] {-1, l1, quant.config().cvae()}));
      return new Next(nx.fHat(), nx.fHat(), next); // next (B, pn_{si+1}², Cvae)
    }
  }

  private static final class Raster extends SamplingOrder {
    Raster(ScaleSchedule patchNums, MultiScaleQuantizer quant, Ops tf) {
      super(TokenOrder.RASTER, patchNums, quant, tf);
    }

    @Override
    double ratio(int p) {
      return 1; // one scale: the guidance of VAR's last scale
    }

    @Override
    boolean smooths() {
      return false;
    }

    @Override
    long[] seedPair(long seed, long chunk) {
      return new long[] {seed + chunk, 0};
    }

    @Override
    long seedOffset(int p, int purpose) {
      return p;
    }

    @Override
    Next advance(int p, Operand<TFloat32> map, Operand<TFloat32> hB1Cv) {
      Operand<TFloat32> grown =
          map == null ? hB1Cv : tf.concat(List.of(map, hB1Cv), tf.constant(1)); // (B, p+1, Cvae)
      if (p < patchNums.L() - 1) return new Next(grown, null, hB1Cv);
      return new Next(grown, quant.phi(0, square(grown, patchNums.latentSide())), null);
    }
  }
}
