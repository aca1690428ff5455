package io.github.var4j.sample;

import io.github.var4j.transformer.KvCache;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVae;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The sampling loop of every token order, unrolled into one graph (the steps are static; the batch
 * is dynamic), with its placeholders and outputs. The order ({@link SamplingOrder}) decides the
 * steps; the loop is the same:
 *
 * <pre>
 * cond_BD = class_emb([labels; null x B])                                      (2B, C)
 * for step s (l_s tokens at positions begin_s..):
 *   m = models.modelAt(s)                           its own cache; catch up on steps it did not see
 *   x = s == 0 ? sos + pos_start + lvl_pos[0, l_0)                             (2B, l_0, C)
 *              : [word_embed(next_s) + lvl_pos[begin_s, +l_s)] x 2             (2B, l_s, C)
 *   keep = selection.computedRows(x, s)   (2B, l'), per row;  out, cache = blocks(x[keep], cond, cache)
 *   out = selection.restore(out, previous output)                              (2B, l_s, C)
 *   logits = head(head_nm(out, cond_BD))                                       (2B, l_s, V)
 *   idx, h = draw(logits)     CFG, top-k/top-p, stateless draw ({@link StepDraw})   (B, l_s, Cvae)
 *   [zero-shot: h = E[gt]·force + h·(1-force)]
 *   state, fHat, next_{s+1} = order.advance(s, state, h)
 * image = (clamp(decoder(post_quant_conv(fHat)), -1, 1) + 1) / 2                  (B, S, S, channels)
 * </pre>
 */
final class SamplerGraph {
  /** The static structure of a graph: which options need ops of their own. */
  record Variant(boolean topK, boolean topP, boolean smooth, boolean greedy, boolean zeroShot) {
    /**
     * The variant of options: top-k with k >= V removes nothing, so it has no op; greedy runs use
     * the masks only for more_smooth.
     */
    static Variant of(SampleOptions o, int vocab, boolean smooths, boolean zeroShot) {
      boolean smooth = smooths && o.moreSmooth();
      boolean masks = !o.greedy() || smooth;
      return new Variant(
          masks && o.topK() > 0 && o.topK() < vocab,
          masks && o.topP() > 0,
          smooth,
          o.greedy(),
          zeroShot);
    }
  }

  /**
   * The intermediate tensors of one step (see {@link StepTrace}): input (2B, l, C), logits (2B, l,
   * V), the draw, and the next step's input (B, l_{s+1}, Cvae) (null after the last step).
   */
  record StepOps(
      Operand<TFloat32> tokenMapIn,
      Operand<TFloat32> logits2B,
      StepDraw.Out draw,
      Operand<TFloat32> nextBlCv) {}

  /** A model's part of the loop: its condition, its cache, the steps it has read. */
  private static final class ModelState {
    final VarModel model;
    final Operand<TFloat32> condBD, condBlocks;
    KvCache cache;
    Operand<TFloat32> lastOut; // the last step's block output (2B, l, C)
    int steps;

    ModelState(VarModel model, Operand<TInt32> label2B) {
      this.model = model;
      this.condBD = model.classEmbedding(label2B); // (2B, C)
      this.condBlocks = model.blockCondition(condBD);
      this.cache = KvCache.empty(model.config().depth());
    }
  }

  final Placeholder<TInt32> label2B;
  final Placeholder<TInt64> seed;
  final Placeholder<TFloat32> t, onePlusT;
  final Placeholder<TInt32> topK; // null when off
  final Placeholder<TFloat32> oneMinusTopP; // null when off
  final List<Placeholder<TInt32>> gtIdx = new ArrayList<>(); // zero-shot: per step (B, l)
  final List<Placeholder<TFloat32>> force = new ArrayList<>(); // zero-shot: per step (l, 1)
  final List<StepOps> steps = new ArrayList<>();
  final List<Operand<TInt32>> tokens = new ArrayList<>(); // per scale of the result (B, pn²)
  final List<Operand<TFloat32>> fHat = new ArrayList<>(); // per scale (B, s, s, Cvae)
  final Operand<TFloat32> images;

  private final Ops tf;
  private final SamplingOrder order;
  private final Map<VarModel, ModelState> states = new IdentityHashMap<>();
  private final List<Operand<TFloat32>> inputs = new ArrayList<>(); // step s: (B, l_s, Cvae)

  SamplerGraph(
      Ops tf,
      SamplingOrder order,
      VqVae vae,
      ModelSchedule models,
      TokenSelection selection,
      Variant v) {
    this.tf = tf;
    this.order = order;
    int n = order.numSteps();
    label2B = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    t = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n)));
    onePlusT = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n)));
    topK = v.topK() ? tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar())) : null;
    oneMinusTopP =
        v.topP() ? tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar())) : null;
    Operand<TFloat32> e = vae.quantizer().codebook(); // (V, Cvae)
    StepDraw drawer = new StepDraw(tf, v, e, t, onePlusT, topK, oneMinusTopP);
    Operand<TFloat32> state = null;
    List<Operand<TInt32>> scaleIdx = new ArrayList<>();
    inputs.add(null); // step 0 reads the class token
    for (int s = 0; s < n; s++) {
      ModelState m = stateOf(models.modelAt(s), s);
      catchUp(m, s);
      Operand<TFloat32> x = input(m, s); // (2B, l, C)
      Operand<TFloat32> logits = m.model.logits(blocks(m, s, x, selection), m.condBD);
      StepDraw.Out d =
          drawer.draw(s, logits, seedFor(s, 0), seedFor(s, 1), order.ratio(s)); // (B, l, ..)
      Operand<TFloat32> h = d.hBlCv();
      Operand<TInt32> idx = d.idxBl();
      if (v.zeroShot()) {
        int l = order.tokens(s);
        gtIdx.add(tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, l))));
        force.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(l, 1))));
        h = forced(e, h, s);
        idx = forcedIdx(idx, s);
      }
      SamplingOrder.Next nx = order.advance(s, state, h);
      state = nx.state();
      inputs.add(nx.nextBlCv());
      steps.add(new StepOps(x, logits, d, nx.nextBlCv()));
      scaleIdx.add(idx);
      if (nx.fHat() != null) { // the step completes a scale of the result
        tokens.add(scaleIdx.size() == 1 ? scaleIdx.get(0) : tf.concat(scaleIdx, tf.constant(1)));
        fHat.add(nx.fHat());
        scaleIdx = new ArrayList<>();
      }
    }
    Operand<TFloat32> img = vae.clamp(vae.decode(fHat.get(fHat.size() - 1)));
    images = tf.math.mul(tf.math.add(img, tf.constant(1f)), tf.constant(0.5f));
  }

  private ModelState stateOf(VarModel model, int s) {
    if (model == null)
      throw new IllegalArgumentException("the schedule has no model for step " + s);
    return states.computeIfAbsent(model, mm -> new ModelState(mm, label2B));
  }

  /** A model that takes over at step s first reads the steps before s (all positions). */
  private void catchUp(ModelState m, int s) {
    while (m.steps < s) blocks(m, m.steps, input(m, m.steps), TokenSelection.ALL);
  }

  /** The model's input of step s: (2B, l_s, C). */
  private Operand<TFloat32> input(ModelState m, int s) {
    if (s == 0) return m.model.sosInput(m.condBD);
    Operand<TFloat32> tok = m.model.tokenInput(inputs.get(s), order.begin(s)); // (B, l, C)
    return tf.concat(List.of(tok, tok), tf.constant(0)); // repeat(2, 1, 1): cond and uncond
  }

  /** The blocks on step s's input with the model's cache, through the selection: (2B, l, C). */
  private Operand<TFloat32> blocks(ModelState m, int s, Operand<TFloat32> x, TokenSelection sel) {
    int l = order.tokens(s);
    Operand<TInt32> keep = sel.computedRows(tf, s, x, l); // (2B, l') or null = all
    if (keep != null && m.lastOut == null)
      throw new IllegalArgumentException("step " + s + " has no previous output: compute all");
    Operand<TFloat32> in =
        keep == null ? x : tf.gather(x, keep, tf.constant(1), Gather.batchDims(1L)); // (2B, l', C)
    VarModel.Blocks b = m.model.applyBlocks(in, m.condBlocks, null, m.cache, null, null);
    m.cache = b.cache();
    Operand<TFloat32> out =
        keep == null ? b.outBLC() : sel.restore(tf, s, keep, b.outBLC(), m.lastOut, l);
    m.lastOut = out;
    m.steps = s + 1;
    return out;
  }

  /** E[gt]·force + h·(1 - force): (B, l, Cvae). */
  private Operand<TFloat32> forced(Operand<TFloat32> e, Operand<TFloat32> h, int s) {
    Operand<TFloat32> f = force.get(s); // (l, 1)
    Operand<TFloat32> hGt = tf.gather(e, gtIdx.get(s), tf.constant(0)); // (B, l, Cvae)
    return tf.math.add(tf.math.mul(hGt, f), tf.math.mul(h, tf.math.sub(tf.constant(1f), f)));
  }

  /** The forced positions' tokens are the given ones: (B, l). */
  private Operand<TInt32> forcedIdx(Operand<TInt32> idx, int s) {
    int l = order.tokens(s);
    Operand<TFloat32> f = tf.reshape(force.get(s), tf.constant(new int[] {l}));
    return tf.select(tf.math.greater(f, tf.constant(0.5f)), gtIdx.get(s), idx);
  }

  /** Per step and purpose an independent stateless stream: seed + (0, order's offset). */
  private Operand<TInt64> seedFor(int s, int purpose) {
    return tf.math.add(seed, tf.constant(new long[] {0, order.seedOffset(s, purpose)}));
  }
}
