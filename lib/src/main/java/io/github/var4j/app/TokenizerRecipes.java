package io.github.var4j.app;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.eval.ReconstructionQuality;
import io.github.var4j.eval.TokenizerReport;
import io.github.var4j.io.KeyedCsv;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import io.github.var4j.train.PerceptualLoss;
import io.github.var4j.train.TokenizerRecipe;
import io.github.var4j.train.TokenizerTrainConfig;
import io.github.var4j.train.TokenizerTrainer;
import io.github.var4j.util.Require;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.ImageGrid;
import io.github.var4j.viz.Images;
import io.github.var4j.viz.ValueRange;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sweep of tokenizer loss recipes ({@link TokenizerRecipe}): each recipe trains the default
 * VQ-VAE from the same base configuration in its own run directory {@code <runs>/<recipe>/}
 * (resumable: a killed sweep continues where it stopped), exports it to {@code
 * <runs>/<recipe>/model}, and is scored on the test split: PSNR, codebook usage per scale, rFID and
 * the class accuracy of the reconstructions ({@link ReconstructionQuality}). One row per recipe
 * goes to the results CSV, written atomically after each recipe; recipes already there with the
 * same steps are skipped.
 */
public final class TokenizerRecipes {
  private final Path csv;
  private final Path runs;
  private final VqVaeConfig vae;
  private final TokenizerTrainConfig base;
  private final PerceptualLoss.FeatureNet featureNet;
  private final ReconstructionQuality quality;
  private final ImageDataset train;
  private final ImageDataset test;
  private final int evalImages;
  private final PrintStream log;
  private final List<String> header;

  /**
   * @param csv the results table; existing rows are kept
   * @param runs parent of the recipes' run directories
   * @param vae the tokenizer every recipe trains
   * @param base the configuration every recipe changes (steps, batch, schedule, seed, GAN start)
   * @param featureNet the perceptual loss's frozen classifier
   * @param quality rFID against the test images (its classifier is the same network)
   * @param evalImages test images scored for PSNR and codebook usage
   */
  public TokenizerRecipes(
      Path csv,
      Path runs,
      VqVaeConfig vae,
      TokenizerTrainConfig base,
      PerceptualLoss.FeatureNet featureNet,
      ReconstructionQuality quality,
      ImageDataset train,
      ImageDataset test,
      int evalImages,
      PrintStream log) {
    Require.atLeast("evalImages", evalImages, 1);
    this.csv = csv;
    this.runs = runs;
    this.vae = vae;
    this.base = base;
    this.featureNet = featureNet;
    this.quality = quality;
    this.train = train;
    this.test = test;
    this.evalImages = evalImages;
    this.log = log;
    this.header = header(vae.patchNums().K());
  }

  /** The CSV columns for a tokenizer of K scales. */
  public static List<String> header(int K) {
    List<String> h =
        new ArrayList<>(
            List.of(
                "recipe",
                "label",
                "steps",
                "train_seconds",
                "cores",
                "psnr_db",
                "rfid",
                "recon_class_acc"));
    for (int k = 1; k <= K; k++) h.add("usage_pct_s" + k);
    h.add("model");
    return h;
  }

  /** The rows of a recipe table by recipe id (empty when the file does not exist). */
  public static Map<String, Map<String, String>> read(Path csv, int K) throws IOException {
    return KeyedCsv.read(csv, header(K), "tokenizer recipe table");
  }

  /** The run directory of a recipe. */
  public Path runDir(TokenizerRecipe r) {
    return runs.resolve(r.id());
  }

  /** The exported model of a recipe. */
  public Path modelDir(TokenizerRecipe r) {
    return runDir(r).resolve("model");
  }

  /** The recipe's training configuration. */
  public TokenizerTrainConfig config(TokenizerRecipe r) {
    return r.apply(base);
  }

  /**
   * Trains (or resumes) the recipe, exports and scores it, and adds its row; a row already in the
   * table with the same steps is returned as it is.
   */
  public Map<String, String> run(TokenizerRecipe r) throws IOException {
    Map<String, Map<String, String>> rows = read(csv, vae.patchNums().K());
    TokenizerTrainConfig cfg = config(r);
    Map<String, String> done = rows.get(r.id());
    if (done != null && done.get("steps").equals(Long.toString(cfg.steps()))) {
      log.println("[recipes] " + r.id() + ": in " + csv + ", skipped");
      return done;
    }
    log.println("[recipes] " + r.id() + " (" + r.label() + "): " + cfg);
    try (TokenizerTrainer t = new TokenizerTrainer(vae, cfg, runDir(r), featureNet)) {
      TokenizerTrainer.Summary s = t.train(train, train.height(), log);
      ModelDir.save(modelDir(r), ModelKind.TOKENIZER, vae, t.stateDict());
      log.printf(
          Locale.ROOT,
          "[recipes] %s: trained %d steps in %.0f s%n",
          r.id(),
          s.steps(),
          s.seconds());
    }
    RunDir.TrainingTime time =
        new RunDir(runDir(r)).trainingTime().orElse(new RunDir.TrainingTime(0, 0, 0));
    return score(r, modelDir(r), cfg.steps(), time.seconds(), time.cores());
  }

  /**
   * Scores a model trained elsewhere with the recipe (e.g. the first default tokenizer, trained by
   * {@code train-tokenizer} before this sweep existed) and adds its row.
   */
  public Map<String, String> score(
      TokenizerRecipe r, Path model, long steps, double trainSeconds, int cores)
      throws IOException {
    VqVaeConfig vc = ModelDir.config(model, ModelKind.TOKENIZER);
    if (!vc.equals(vae)) {
      throw new IllegalArgumentException(
          model + " holds another tokenizer than the sweep's: " + vc + " vs " + vae);
    }
    long t0 = System.nanoTime();
    TokenizerReport.Metrics m;
    ReconstructionQuality.Scores q;
    try (Tokenizer tok = Tokenizer.loadNpyDir(vc, model)) {
      m = TokenizerReport.evaluate(tok, test, test.height(), evalImages);
      q = quality.score(tok);
    }
    Map<String, String> row = new LinkedHashMap<>();
    row.put("recipe", r.id());
    row.put("label", r.label());
    row.put("steps", Long.toString(steps));
    row.put("train_seconds", String.format(Locale.ROOT, "%.1f", trainSeconds));
    row.put("cores", Integer.toString(cores));
    row.put("psnr_db", String.format(Locale.ROOT, "%.4f", m.psnr()));
    row.put("rfid", String.format(Locale.ROOT, "%.6g", q.rfid()));
    row.put("recon_class_acc", String.format(Locale.ROOT, "%.4f", q.classAccuracy()));
    for (int k = 0; k < m.usage().size(); k++)
      row.put(
          "usage_pct_s" + (k + 1),
          String.format(Locale.ROOT, "%.2f", m.usage().get(k).usagePercent()));
    row.put("model", model.toString().replace('\\', '/'));
    log.printf(
        Locale.ROOT,
        "[recipes] %s: PSNR %.2f dB, rFID %.4f, class accuracy %.2f %%, last-scale usage %.1f %%"
            + " (scored in %.0f s)%n",
        r.id(),
        m.psnr(),
        q.rfid(),
        100 * q.classAccuracy(),
        m.lastScaleUsage(),
        (System.nanoTime() - t0) / 1e9);
    Map<String, Map<String, String>> rows = read(csv, vae.patchNums().K());
    rows.put(r.id(), row);
    Map<String, Map<String, String>> ordered = new LinkedHashMap<>();
    for (TokenizerRecipe x : TokenizerRecipe.values())
      if (rows.containsKey(x.id())) ordered.put(x.id(), rows.get(x.id()));
    KeyedCsv.write(csv, header, ordered);
    return row;
  }

  /**
   * The recipe with the lowest rFID among the rows whose PSNR is at least {@code minPsnr} dB; empty
   * if none qualifies.
   */
  public static Optional<String> best(Path csv, int K, double minPsnr) throws IOException {
    String best = null;
    double bestFid = Double.POSITIVE_INFINITY;
    for (Map<String, String> row : read(csv, K).values()) {
      double psnr = Double.parseDouble(row.get("psnr_db"));
      double fid = Double.parseDouble(row.get("rfid"));
      if (psnr >= minPsnr && fid < bestFid) {
        bestFid = fid;
        best = row.get("recipe");
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Reconstructions side by side: the originals in the first row, then one row per model.
   *
   * @param models row label → tokenizer model directory, in row order
   * @param idx test images (one column each)
   */
  public static BufferedImage reconstructionFigure(
      Map<String, Path> models, ImageDataset test, int[] idx, int scale) throws IOException {
    List<BufferedImage> tiles = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    float[] x = null;
    for (Map.Entry<String, Path> e : models.entrySet()) {
      VqVaeConfig vc = ModelDir.config(e.getValue(), ModelKind.TOKENIZER);
      int s = vc.imageSize(), c = vc.inChannels();
      if (x == null) {
        x = test.toFloatBatch(idx, s);
        tiles.addAll(Images.fromNHWCBatch(x, s, s, c, ValueRange.MINUS_ONE_ONE));
        labels.add("original");
      }
      try (Tokenizer tok = Tokenizer.loadNpyDir(vc, e.getValue())) {
        float[] rec = tok.reconstruct(x, idx.length);
        tiles.addAll(Images.fromNHWCBatch(rec, s, s, c, ValueRange.MINUS_ONE_ONE));
      }
      labels.add(e.getKey());
    }
    if (x == null) throw new IllegalArgumentException("no models to show");
    return ImageGrid.of(tiles).columns(idx.length).scale(scale).rowLabels(labels).build();
  }
}
