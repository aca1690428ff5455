package io.github.var4j.experiments;

import io.github.var4j.data.DataSplit;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.eval.TokenizerReport;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.Images;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The evaluation of an exported tokenizer on a test split, shared by {@code train-tokenizer} (after
 * training) and {@code eval-tokenizer}: {@code <results>/tokenizer-<tag>.csv} (PSNR, codebook usage
 * per scale, training time of the run) and {@code <figures>/tokenizer-<tag>-*.png}
 * (reconstructions, token maps, coarse-to-fine, usage, and the training curves of the run when it
 * has them).
 */
final class TokenizerEvaluation {
  private TokenizerEvaluation() {}

  static void run(Path model, DataSplit split, String tag, Path runDir, Path results, Path figures)
      throws Exception {
    ImageDataset test = split.test();
    VqVaeConfig cfg = ModelDir.config(model, ModelKind.TOKENIZER);
    try (Tokenizer tok = Tokenizer.loadNpyDir(cfg, model)) {
      int maxImages = Quick.enabled() ? 512 : test.size();
      long t0 = System.nanoTime();
      TokenizerReport.Metrics m = TokenizerReport.evaluate(tok, test, test.height(), maxImages);
      double evalSec = (System.nanoTime() - t0) / 1e9;
      StringBuilder sb = new StringBuilder("metric,value\n");
      m.asMap()
          .forEach(
              (k, v) ->
                  sb.append(k)
                      .append(',')
                      .append(String.format(Locale.ROOT, "%.4f", v))
                      .append('\n'));
      RunDir run = new RunDir(runDir);
      Optional<RunDir.TrainingTime> time = run.trainingTime();
      if (time.isPresent()) {
        sb.append("train_seconds,")
            .append(String.format(Locale.ROOT, "%.1f", time.get().seconds()))
            .append('\n');
        sb.append("train_steps,").append(time.get().steps()).append('\n');
        Optional<Long> steps = run.lastSavedStep();
        if (steps.isPresent()) sb.append("steps,").append(steps.get()).append('\n');
        sb.append("train_cores,").append(time.get().cores()).append('\n');
      }
      Path resultFile = results.resolve("tokenizer-" + tag + ".csv");
      AtomicFiles.write(resultFile, sb.toString().getBytes(StandardCharsets.UTF_8));
      System.out.printf(
          Locale.ROOT,
          "[eval-tokenizer] %d test images in %.1f s: PSNR %.2f dB, last-scale usage %.1f%%%n",
          m.n(),
          evalSec,
          m.psnr(),
          m.lastScaleUsage());
      for (int i = 0; i < m.usage().size(); i++) {
        var u = m.usage().get(i);
        System.out.printf(
            Locale.ROOT,
            "[eval-tokenizer]   scale %d (%dx%d): %d codes = %.1f%%, perplexity %.1f%n",
            i + 1,
            cfg.patchNums().pn(i),
            cfg.patchNums().pn(i),
            u.distinct(),
            u.usagePercent(),
            u.perplexity());
      }
      System.out.println("[eval-tokenizer] wrote " + resultFile);
      int[] pick = new int[10];
      for (int k = 0; k < 10; k++) pick[k] = test.indicesOfClass(k % test.numClasses())[0];
      Images.writePng(
          TokenizerReport.reconstructions(tok, test, pick, 3),
          figures.resolve("tokenizer-" + tag + "-recon.png"));
      int[] few = {pick[0], pick[1], pick[7], pick[9]};
      Images.writePng(
          TokenizerReport.tokenMaps(tok, test, few, 12),
          figures.resolve("tokenizer-" + tag + "-token-maps.png"));
      Images.writePng(
          TokenizerReport.coarseToFine(tok, test, few, 3),
          figures.resolve("tokenizer-" + tag + "-coarse-to-fine.png"));
      Charts.savePng(
          TokenizerReport.usageChart(m, cfg.patchNums()),
          figures.resolve("tokenizer-" + tag + "-usage.png"));
      Path csv = run.metricsCsv();
      if (Files.exists(csv)) {
        List<org.knowm.xchart.XYChart> curves = TokenizerReport.trainingCurves(csv, 10);
        Charts.savePng(curves.get(0), figures.resolve("tokenizer-" + tag + "-loss.png"));
        Charts.savePng(curves.get(1), figures.resolve("tokenizer-" + tag + "-psnr.png"));
      }
      System.out.println("[eval-tokenizer] figures in " + figures);
    }
  }
}
