package io.github.var4j.train;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.Batcher;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.Psnr;
import io.github.var4j.model.MetricsCsv;
import io.github.var4j.model.RunDir;
import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.optim.AdamW;
import io.github.var4j.quant.MultiScaleQuantizer;
import io.github.var4j.vae.VqVae;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains the multi-scale VQ-VAE tokenizer, AdamW, with a progress line (loss, PSNR, ETA), a metrics
 * CSV, atomic checkpoints every N steps, resume from the last checkpoint, and a clear stop on a NaN
 * loss. The loss (the paper's eq. 5 at our scale):
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
 * result with {@link #stateDict()} and {@link io.github.var4j.model.ModelDir#save}.
 *
 * <p><b>Exact resume.</b> The batch ({@link Batcher#batch(long)}), the learning rate and the GAN
 * switch are functions of (seed, step); the weights and optimizer state are in the bundle; the
 * dead-code statistics and generator are in the resume state (the generator is rebuilt by replaying
 * its draws). A run killed at any point and resumed writes the same {@code metrics.csv}, bit for
 * bit, as an uninterrupted one.
 */
public final class TokenizerTrainer implements AutoCloseable {
  private final VqVaeConfig vaeCfg;
  private final TokenizerTrainConfig cfg;
  private final RunDir run;
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
  private final TfCheckpoint ckpt;
  private final Param codebookParam;

  /**
   * Dead-code state at the step reached by {@link #initOrResume}: codes hit since the last check,
   * codes re-drawn.
   */
  private boolean[] deadCodeHit;

  private long deadCodeDraws;

  /** Columns of {@code metrics.csv}. */
  public static final List<String> METRICS_HEADER =
      List.of(
          "step",
          "lr",
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
            "the perceptual loss's classifier sees "
                + cc.imageSize()
                + "x"
                + cc.imageSize()
                + "x"
                + cc.inChannels()
                + " images, the VAE "
                + vaeCfg.imageSize()
                + "x"
                + vaeCfg.imageSize()
                + "x"
                + vaeCfg.inChannels());
      }
    }
    this.vaeCfg = vaeCfg;
    this.cfg = cfg;
    this.run = new RunDir(runDir);
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
                  "disc_optim.")
              : null;
      ckpt = cfg.ganEnabled() ? new TfCheckpoint(ps, discPs) : new TfCheckpoint(ps);
      codebookParam = ps.param("quantize.embedding.weight");
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  public RunDir runDir() {
    return run;
  }

  public Path checkpointPrefix() {
    return run.checkpointPrefix();
  }

  /**
   * Initialises the weights, or restores them, the optimizers and the resume state from the run
   * directory's checkpoint.
   *
   * @throws IOException if the checkpoint cannot be read or was trained with another seed or batch
   *     size
   */
  public long initOrResume(PrintStream log) throws IOException {
    ps.initialize(rt.session(), cfg.seed());
    if (discPs != null) discPs.initialize(rt.session(), cfg.seed() + 1);
    if (perceptual != null) perceptual.load(rt.session());
    deadCodeHit = new boolean[vaeCfg.vocabSize()];
    deadCodeDraws = 0;
    if (TfCheckpoint.exists(checkpointPrefix())) {
      ckpt.restore(rt.session(), checkpointPrefix());
      opt.syncStep(rt.session());
      if (discOpt != null) discOpt.syncStep(rt.session());
      Optional<RunDir.ResumeState> state = run.resumeState(opt.step());
      if (state.isPresent()) {
        RunDir.ResumeState st = state.get();
        st.expect("seed", cfg.seed());
        st.expect("batchSize", cfg.batchSize());
        st.expect("lossRecipe", cfg.lossRecipe());
        BitSet hit;
        try {
          hit = BitSet.valueOf(HexFormat.of().parseHex(st.getString("deadCodeHit")));
        } catch (IllegalArgumentException e) {
          throw new IOException(
              run.resumeFile()
                  + ": deadCodeHit of step "
                  + opt.step()
                  + " is not a hex bit set: "
                  + e.getMessage(),
              e);
        }
        if (hit.length() > deadCodeHit.length) {
          throw new IOException(
              run.resumeFile()
                  + ": the dead-code state of step "
                  + opt.step()
                  + " names code "
                  + (hit.length() - 1)
                  + ", the codebook has "
                  + deadCodeHit.length
                  + " codes");
        }
        for (int k = hit.nextSetBit(0); k >= 0; k = hit.nextSetBit(k + 1)) deadCodeHit[k] = true;
        deadCodeDraws = st.getLong("deadCodeDraws");
      } else if (opt.step() > 0) {
        log.println(
            "[tokenizer] note: "
                + run.resumeFile()
                + " has no state for step "
                + opt.step()
                + " (a run "
                + "directory of an older var4j?): the dead-code statistics and their generator restart here");
      }
      log.println("[tokenizer] resumed from " + checkpointPrefix() + " at step " + opt.step());
    }
    return opt.step();
  }

  /**
   * The resume state at {@code step}: seed, batch size, codes hit since the last dead-code check,
   * codes re-drawn.
   */
  private RunDir.ResumeState resumeState(long step, boolean[] hit, long draws) {
    BitSet bits = new BitSet(hit.length);
    for (int k = 0; k < hit.length; k++) if (hit[k]) bits.set(k);
    return new RunDir.ResumeState(step)
        .put("seed", cfg.seed())
        .put("batchSize", cfg.batchSize())
        .put("lossRecipe", cfg.lossRecipe())
        .put("deadCodeHit", HexFormat.of().formatHex(bits.toByteArray()))
        .put("deadCodeDraws", draws);
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
    run.create();
    long start = initOrResume(log);
    run.startClock(start);
    MetricsCsv csv = run.openMetrics(METRICS_HEADER, start);
    Batcher batcher = new Batcher(data.size(), cfg.batchSize(), true, cfg.seed());
    Progress progress = new Progress("tokenizer", start, cfg.steps(), cfg.logEvery(), log);
    int s = vaeCfg.imageSize(), c = vaeCfg.inChannels();
    boolean[] hit = deadCodeHit.clone();
    long draws = deadCodeDraws;
    int positions =
        cfg.batchSize() * vaeCfg.latentSide() * vaeCfg.latentSide(); // latent vectors per batch
    SplittableRandom rng = deadCodeRandom(draws, positions);
    Map<String, Double> last = new LinkedHashMap<>();
    try (csv) {
      for (long it = start; it < cfg.steps(); it++) {
        int[] idx = batcher.batch(it);
        float[] x = data.toFloatBatch(idx, s);
        double lr = cfg.lrAt(it);
        boolean ganOn = cfg.ganEnabled() && it >= cfg.ganStartStep();
        float[] rec;
        float[] fVals;
        int[] lastIdx;
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
        if (ganOn) discOpt.feed(r, lr, 0, 0);
        opt.feed(r, lr, cfg.weightDecay(), 0);
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
        if (!Double.isFinite(lossV)) {
          throw new IllegalStateException(
              "tokenizer loss is "
                  + lossV
                  + " at step "
                  + (it + 1)
                  + "; stopped. The last "
                  + "good checkpoint is kept at "
                  + (TfCheckpoint.exists(checkpointPrefix()) ? checkpointPrefix() : "(none yet)"));
        }
        for (int k : lastIdx) hit[k] = true;
        long step = it + 1;
        if (cfg.deadCodeEvery() > 0 && step % cfg.deadCodeEvery() == 0 && step < cfg.steps()) {
          if (fVals.length != positions * vaeCfg.zChannels()) {
            throw new IllegalStateException(
                "encoder output has "
                    + fVals.length / vaeCfg.zChannels()
                    + " latent "
                    + "vectors, expected "
                    + positions
                    + " (batch "
                    + cfg.batchSize()
                    + " x "
                    + vaeCfg.latentSide()
                    + "^2)");
          }
          int restarted = restartDeadCodes(hit, fVals, rng);
          draws += restarted;
          Arrays.fill(hit, false);
          if (restarted > 0) {
            log.println(
                "[tokenizer] step " + step + ": re-initialised " + restarted + " unused codes");
          }
        }
        double psnr = Psnr.mean(x, rec, idx.length, s, c, crop);
        last = new LinkedHashMap<>();
        last.put("loss", lossV);
        last.put("recon", recV);
        if (percLoss != null) last.put("perc", percV);
        last.put("vq", vqV);
        last.put("psnr", psnr);
        if (genGan != null) {
          last.put("gen_gan", genV);
          last.put("disc", discV);
          if (ganOn) last.put("gan_lambda", lambdaV);
        }
        csv.append(step, lr, lossV, recV, percV, vqV, psnr, genV, discV, lambdaV, realV, fakeV);
        progress.update(step, last);
        if (step % cfg.checkpointEvery() == 0 || step == cfg.steps()) {
          run.saveCheckpoint(rt.session(), ckpt, resumeState(step, hit, draws));
        }
        listener.afterStep(step);
      }
    }
    return new Summary(cfg.steps() - start, progress.elapsedSeconds(), last);
  }

  /**
   * The dead-code generator after {@code draws} re-drawn codes: seeded with seed + 17, then
   * advanced by replaying the draws of that many codes (a position among {@code positions} latent
   * vectors, then zChannels noise values each), exactly as {@link #restartDeadCodes} made them.
   */
  private SplittableRandom deadCodeRandom(long draws, int positions) {
    SplittableRandom rng = new SplittableRandom(cfg.seed() + 17);
    for (long i = 0; i < draws; i++) {
      rng.nextInt(positions);
      for (int j = 0; j < vaeCfg.zChannels(); j++) rng.nextDouble();
    }
    return rng;
  }

  /**
   * Codes not hit since the last check get a random latent vector of the current batch (plus a
   * little noise).
   */
  private int restartDeadCodes(boolean[] hit, float[] fVals, SplittableRandom rng) {
    int cv = vaeCfg.zChannels();
    int positions = fVals.length / cv;
    float[] cb = ps.fetchTf(rt.session(), List.of(codebookParam)).get(codebookParam);
    int n = 0;
    for (int k = 0; k < hit.length; k++) {
      if (hit[k]) continue;
      int p = rng.nextInt(positions);
      for (int j = 0; j < cv; j++)
        cb[k * cv + j] = fVals[p * cv + j] + (float) (0.01 * (rng.nextDouble() - 0.5));
      n++;
    }
    if (n > 0) ps.assignTf(rt.session(), Map.of(codebookParam, cb));
    return n;
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
}
