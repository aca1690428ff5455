package io.github.var4j.train;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.Psnr;
import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.optim.AdamW;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.quant.MultiScaleQuantizer;
import io.github.var4j.store.RunDir;
import io.github.var4j.util.ImageArrays;
import io.github.var4j.vae.VqVae;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains the multi-scale VQ-VAE tokenizer with AdamW (the discriminator with its own AdamW), with
 * dead-code restarts of the codebook. The loss (the paper's eq. 5 at our scale):
 *
 * <pre>
 * L_nll = l1·|x − x̂| + l2·(x − x̂)² + perc·{@link PerceptualLoss}(x, x̂)
 * L     = L_nll + vq·VQ-loss + λ·L_gan          L_gan = −mean D(x̂)   (hinge generator loss)
 * λ     = 0 before ganStartStep; then ganWeight, or with ganAdaptive
 *         ganWeight · clamp(‖∇_W L_nll‖ / (‖∇_W L_gan‖ + 1e-4), 0, 1e4)   (W = decoder.conv_out.weight)
 * L_D   = mean relu(1 − D(x)) + mean relu(1 + D(x̂))                     (the PatchGAN's hinge loss)
 * </pre>
 *
 * <p>Run directory ({@link RunDir}): {@code ckpt} + {@code ckpt-<n>.*} (model, discriminator and
 * both optimizers' state, TF V2 bundle), {@code resume.properties} (per checkpoint: seed and batch
 * size, checked on resume, and the dead-code state: the codes hit since the last check and how many
 * codes the restart generator has re-drawn) and {@code metrics.csv} (one row per step). Export the
 * result with {@link #stateDict()} and {@link io.github.var4j.store.ModelDir#save}.
 *
 * <p>It is a {@link Trainee}: the {@link TrainingLoop} runs the steps, this class supplies the
 * graph, the step (the GAN switch is a function of the step) and the dead-code state ({@link
 * DeadCodes}), which the loop saves with each checkpoint. A run killed at any point and resumed
 * writes the same {@code metrics.csv}, bit for bit, as an uninterrupted one.
 */
public final class TokenizerTrainer extends LoopTrainer {
  private final VqVaeConfig vaeCfg;
  private final TokenizerTrainConfig cfg;
  private final GraphRuntime rt = new GraphRuntime();
  private final ParamStore ps;
  private final ParamStore discPs;
  private final VqVae vae;
  private final Placeholder<TFloat32> imgIn;
  private final Placeholder<TFloat32> ganWeightIn;
  private final Operand<TFloat32> loss, recLoss, vqLoss, recon, f;
  private final Operand<TFloat32> percLoss; // null without the perceptual loss
  private final Operand<TFloat32> genGan, discLoss, ganLambda, logitReal, logitFake; // null: no GAN
  private final PerceptualLoss perceptual;
  private final List<Operand<TInt32>> idxBL;
  private final AdamW opt;
  private final AdamW discOpt;
  private final TrainableGraph graph;
  private final DeadCodes deadCodes;

  /** Columns of {@code metrics.csv} after step and lr. */
  static final List<String> METRICS =
      List.of(
          "loss",
          "recon",
          "perc",
          "vq",
          "psnr",
          "gen_gan",
          "disc",
          "gan_lambda",
          "logit_real",
          "logit_fake");

  /** Columns of {@code metrics.csv}. */
  public static final List<String> METRICS_HEADER = TrainingLoop.metricsHeader(METRICS);

  /** Result of {@link #train}: steps run, wall time, last metrics. */
  public record Summary(long steps, double seconds, Map<String, Double> last) {}

  /** A trainer without a perceptual loss ({@code cfg.perceptualWeight()} must be 0). */
  public TokenizerTrainer(VqVaeConfig vaeCfg, TokenizerTrainConfig cfg, Path runDir) {
    this(vaeCfg, cfg, runDir, null);
  }

  /**
   * @param featureNet the frozen classifier of the perceptual loss; required when {@code
   *     cfg.perceptualWeight() > 0}, ignored otherwise
   * @throws IllegalArgumentException if the perceptual loss is on and the network is missing or
   *     sees other images than the VAE
   */
  public TokenizerTrainer(
      VqVaeConfig vaeCfg,
      TokenizerTrainConfig cfg,
      Path runDir,
      PerceptualLoss.FeatureNet featureNet) {
    super(
        runDir,
        new TrainingLoop.Plan(
            "tokenizer",
            "tokenizer",
            cfg.steps(),
            cfg.batchSize(),
            cfg.seed(),
            it -> new LrSchedule.Values(cfg.lrAt(it), cfg.weightDecay(), 0),
            cfg.checkpointEvery(),
            cfg.logEvery(),
            0),
        null,
        METRICS);
    if (cfg.perceptualEnabled()) {
      if (featureNet == null) {
        throw new IllegalArgumentException(
            "perceptualWeight "
                + cfg.perceptualWeight()
                + " needs the feature network (a trained classifier, e.g."
                + " models/fmnist-classifier)");
      }
      ClassifierConfig cc = featureNet.config();
      if (cc.imageSize() != vaeCfg.imageSize() || cc.inChannels() != vaeCfg.inChannels()) {
        throw new IllegalArgumentException(
            "the perceptual loss's classifier sees %s images, the VAE %s"
                .formatted(
                    ImageArrays.hwc(cc.imageSize(), cc.imageSize(), cc.inChannels()),
                    ImageArrays.hwc(vaeCfg.imageSize(), vaeCfg.imageSize(), vaeCfg.inChannels())));
      }
    }
    this.vaeCfg = vaeCfg;
    this.cfg = cfg;
    try {
      Ops tf = rt.tf();
      ps = new ParamStore(tf);
      vae = new VqVae(ps, vaeCfg);
      int s = vaeCfg.imageSize(), c = vaeCfg.inChannels();
      imgIn =
          tf.withName("img").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, c)));
      ganWeightIn =
          tf.withName("gan_weight").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      f = vae.encodeF(imgIn);
      MultiScaleQuantizer.TrainOut q = vae.quantizer().forwardTrain(f);
      idxBL = q.idxBL();
      vqLoss = q.vqLoss();
      recon = vae.decode(q.fHatST());
      Operand<TFloat32> diff = tf.math.sub(imgIn, recon);
      Operand<TInt32> all4 = tf.constant(new int[] {0, 1, 2, 3});
      Operand<TFloat32> l1 = tf.math.mean(tf.math.abs(diff), all4);
      Operand<TFloat32> l2 = tf.math.mean(tf.math.square(diff), all4);
      recLoss =
          tf.math.add(
              tf.math.mul(tf.constant((float) cfg.l1Weight()), l1),
              tf.math.mul(tf.constant((float) cfg.l2Weight()), l2));
      Operand<TFloat32> nll = recLoss;
      if (cfg.perceptualEnabled()) {
        perceptual = new PerceptualLoss(tf, featureNet);
        percLoss = perceptual.apply(imgIn, recon);
        nll = tf.math.add(nll, tf.math.mul(tf.constant((float) cfg.perceptualWeight()), percLoss));
      } else {
        perceptual = null;
        percLoss = null;
      }
      Operand<TFloat32> total =
          tf.math.add(nll, tf.math.mul(tf.constant((float) cfg.vqWeight()), vqLoss));
      if (cfg.ganEnabled()) {
        discPs = new ParamStore(tf);
        PatchDiscriminator disc = new PatchDiscriminator(discPs, c, 32, 2);
        Operand<TFloat32> logitsFake = disc.apply(recon);
        genGan = tf.math.neg(tf.math.mean(logitsFake, all4));
        ganLambda =
            cfg.ganAdaptive()
                ? tf.math.mul(
                    ganWeightIn,
                    AdaptiveGanWeight.build(
                        rt.graph(), tf, nll, genGan, ps.param("decoder.conv_out.weight")))
                : tf.identity(ganWeightIn);
        total = tf.math.add(total, tf.math.mul(ganLambda, genGan));
        Operand<TFloat32> realL = disc.apply(imgIn);
        Operand<TFloat32> fakeL = disc.apply(tf.stopGradient(recon));
        Operand<TFloat32> one = tf.constant(1f);
        discLoss =
            tf.math.add(
                tf.math.mean(tf.nn.relu(tf.math.sub(one, realL)), all4),
                tf.math.mean(tf.nn.relu(tf.math.add(one, fakeL)), all4));
        logitReal = tf.math.mean(realL, all4);
        logitFake = tf.math.mean(fakeL, all4);
      } else {
        discPs = null;
        genGan = null;
        discLoss = null;
        ganLambda = null;
        logitReal = null;
        logitFake = null;
      }
      loss = total;
      AdamW.Config adam = new AdamW.Config(0.9, 0.99, 1e-8, 1.0);
      opt =
          new AdamW(
              rt.graph(),
              ps,
              loss,
              p -> p.torchShape().length > 1 && !p.name().contains("embedding"),
              adam);
      discOpt =
          cfg.ganEnabled()
              ? new AdamW(
                  rt.graph(),
                  discPs,
                  discLoss,
                  p -> false,
                  new AdamW.Config(0.5, 0.9, 1e-8, 1.0),
                  "disc_optim.",
                  UnaryOperator.identity())
              : null;
      graph =
          cfg.ganEnabled()
              ? TrainableGraph.of(rt, List.of(opt, discOpt), ps, discPs)
              : TrainableGraph.of(rt, List.of(opt), ps);
      deadCodes = new DeadCodes(vaeCfg, cfg, ps, rt);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  /**
   * Trains until {@code cfg.steps()}, resuming from the run directory's checkpoint if there is one.
   *
   * @param crop side of the centred crop scored by PSNR (28 for Fashion-MNIST padded to 32)
   * @throws IllegalStateException if the loss becomes NaN or infinite; the last checkpoint is kept
   */
  public Summary train(ImageDataset data, int crop, PrintStream log) throws IOException {
    return train(data, crop, log, StepListener.NONE);
  }

  /**
   * As {@link #train(ImageDataset, int, PrintStream)}, calling {@code listener} after every step.
   */
  public Summary train(ImageDataset data, int crop, PrintStream log, StepListener listener)
      throws IOException {
    if (data.channels() != vaeCfg.inChannels()) {
      throw new IllegalArgumentException(
          "data has " + data.channels() + " channels, the VAE expects " + vaeCfg.inChannels());
    }
    if (data.height() > vaeCfg.imageSize() || data.width() != data.height()) {
      throw new IllegalArgumentException(
          "image size "
              + data.height()
              + "x"
              + data.width()
              + " does not fit the VAE's "
              + vaeCfg.imageSize()
              + "x"
              + vaeCfg.imageSize());
    }
    Trainee.Steps steps = (it, idx, v) -> step(data, crop, log, it, idx, v);
    TrainingLoop.Result<?> r = loop().run(this, steps, data.size(), null, log, listener);
    return new Summary(r.steps(), r.seconds(), r.last());
  }

  /** The tokenizer's weights under the official state-dict names (PyTorch layout). */
  public StateDict stateDict() {
    return ps.stateDict(rt.session());
  }

  public VqVaeConfig vaeConfig() {
    return vaeCfg;
  }

  @Override
  public void close() {
    rt.close();
  }

  // ---- the Trainee: what the TrainingLoop needs besides the step -------------------------------

  @Override
  public TrainableGraph graph() {
    return graph;
  }

  /** Fresh weights (discriminator: seed + 1), the frozen perceptual network, no dead codes. */
  @Override
  public void initialize(long seed) {
    graph.initialize(seed);
    if (perceptual != null) perceptual.load(rt.session());
    deadCodes.reset();
  }

  /** The loss recipe (checked on resume) and the dead-code state. */
  @Override
  public void saveState(RunDir.ResumeState st) {
    st.put("lossRecipe", cfg.lossRecipe());
    deadCodes.save(st);
  }

  @Override
  public void restoreState(RunDir.ResumeState st) throws IOException {
    st.expect("lossRecipe", cfg.lossRecipe());
    deadCodes.restore(st, runDir().resumeFile());
  }

  @Override
  public String lostState() {
    return "the dead-code statistics and their generator restart here";
  }

  /**
   * One step on the images {@code idx} of {@code data}: the loss and discriminator updates, the
   * dead-code check, PSNR on the centred {@code crop}.
   */
  private Step step(
      ImageDataset data, int crop, PrintStream log, long it, int[] idx, LrSchedule.Values v) {
    int s = vaeCfg.imageSize(), c = vaeCfg.inChannels();
    float[] x = data.toFloatBatch(idx, s); // (B, S, S, C)
    boolean ganOn = cfg.ganEnabled() && it >= cfg.ganStartStep();
    float[] rec; // (B, S, S, C)
    float[] fVals; // (B, latentSide, latentSide, Cvae)
    int[] lastIdx; // (B · pn_K²)
    double lossV, recV, vqV, percV = Double.NaN;
    double genV = Double.NaN, discV = Double.NaN, lambdaV = Double.NaN;
    double realV = Double.NaN, fakeV = Double.NaN;
    GraphRuntime.Run r =
        rt.run()
            .feed(imgIn, x, idx.length, s, s, c)
            .feed(ganWeightIn, new float[] {ganOn ? (float) cfg.ganWeight() : 0f})
            .fetch(loss, recLoss, vqLoss, recon, f, idxBL.get(idxBL.size() - 1));
    int extra = 6;
    if (percLoss != null) r.fetch(percLoss);
    if (genGan != null) r.fetch(genGan, discLoss, ganLambda, logitReal, logitFake);
    if (ganOn) discOpt.feed(r, v.lr(), 0, 0);
    opt.feed(r, v.lr(), v.wdD(), v.wdND());
    try (GraphRuntime.Outputs res = r.run()) {
      opt.stepDone();
      if (ganOn) discOpt.stepDone();
      lossV = res.floats(0)[0];
      recV = res.floats(1)[0];
      vqV = res.floats(2)[0];
      rec = res.floats(3);
      fVals = res.floats(4);
      lastIdx = res.ints(5);
      if (percLoss != null) percV = res.floats(extra++)[0];
      if (genGan != null) {
        genV = res.floats(extra)[0];
        discV = res.floats(extra + 1)[0];
        if (ganOn) lambdaV = res.floats(extra + 2)[0]; // NaN in the CSV before the start
        realV = res.floats(extra + 3)[0];
        fakeV = res.floats(extra + 4)[0];
      }
    }
    if (!Double.isFinite(lossV)) return Step.failed("loss is " + lossV);
    long step = it + 1;
    int restarted = deadCodes.afterStep(step, lastIdx, fVals);
    if (restarted > 0) {
      log.println("[tokenizer] step " + step + ": re-initialised " + restarted + " unused codes");
    }
    double psnr = Psnr.mean(x, rec, idx.length, s, c, crop);
    Map<String, Double> shown = new LinkedHashMap<>();
    shown.put("loss", lossV);
    shown.put("recon", recV);
    if (percLoss != null) shown.put("perc", percV);
    shown.put("vq", vqV);
    shown.put("psnr", psnr);
    if (genGan != null) {
      shown.put("gen_gan", genV);
      shown.put("disc", discV);
      if (ganOn) shown.put("gan_lambda", lambdaV);
    }
    return Step.of(
        new double[] {lossV, recV, percV, vqV, psnr, genV, discV, lambdaV, realV, fakeV}, shown);
  }
}
