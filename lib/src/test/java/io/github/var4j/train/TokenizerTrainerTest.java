package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.vae.VqVaeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTrainerTest {
  @TempDir Path tmp;

  /** A tiny grey 16x16 tokenizer: 2 levels (2x down to 8x8), patchNums 1,2,4,8. */
  static VqVaeConfig tiny() {
    return new VqVaeConfig(
        1, 32, new int[] {1, 1}, 1, 8, 32, ScaleSchedule.of(1, 2, 4, 8), 0.25, 0.5, 4, 16);
  }

  static TokenizerTrainConfig cfg(long steps, long ckptEvery) {
    return new TokenizerTrainConfig(
        8, steps, 3e-3, 2, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, steps, false, 5, ckptEvery, 5, 3);
  }

  @Test
  void lossFallsCheckpointsAreWrittenAndResumeContinues() throws Exception {
    ImageDataset data = SyntheticShapes.generate(64, 16, 1, 1);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TokenizerTrainer.Summary first;
    try (TokenizerTrainer t = new TokenizerTrainer(tiny(), cfg(20, 10), tmp)) {
      first = t.train(data, 16, new PrintStream(log, true));
    }
    assertTrue(TfCheckpoint.exists(tmp.resolve("ckpt")));
    List<String> rows = Files.readAllLines(tmp.resolve("metrics.csv"));
    assertEquals(21, rows.size());
    double loss1 = Double.parseDouble(rows.get(1).split(",")[2]);
    double loss20 = Double.parseDouble(rows.get(20).split(",")[2]);
    assertTrue(loss20 < 0.7 * loss1, "loss should fall: " + loss1 + " -> " + loss20);
    assertTrue(log.toString().contains("[tokenizer] step 20/20 (100.0%)"), log.toString());
    assertTrue(log.toString().contains("eta"), log.toString());
    // resume to 30 steps: continues from step 20, keeps the first 20 rows
    ByteArrayOutputStream log2 = new ByteArrayOutputStream();
    try (TokenizerTrainer t = new TokenizerTrainer(tiny(), cfg(30, 10), tmp)) {
      TokenizerTrainer.Summary s = t.train(data, 16, new PrintStream(log2, true));
      assertEquals(10, s.steps());
    }
    assertTrue(log2.toString().contains("resumed from"), log2.toString());
    assertEquals(31, Files.readAllLines(tmp.resolve("metrics.csv")).size());
    assertEquals(first.last().keySet(), java.util.Set.of("loss", "recon", "vq", "psnr"));
  }

  @Test
  void ganVariantTrainsAndNanLossStopsKeepingTheCheckpoint() throws Exception {
    ImageDataset data = SyntheticShapes.generate(32, 16, 1, 2);
    TokenizerTrainConfig gan = cfg(6, 3).withGan(0.1, 3, true);
    try (TokenizerTrainer t = new TokenizerTrainer(tiny(), gan, tmp.resolve("gan"))) {
      TokenizerTrainer.Summary s = t.train(data, 16, new PrintStream(new ByteArrayOutputStream()));
      assertTrue(s.last().containsKey("disc"));
      assertTrue(Double.isFinite(s.last().get("disc")));
    }
    // a learning rate of 1e30 blows the loss up to NaN/Inf
    TokenizerTrainConfig bad =
        new TokenizerTrainConfig(
            8, 50, 1e30, 0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 50, false, 0, 1, 50, 3);
    try (TokenizerTrainer t = new TokenizerTrainer(tiny(), bad, tmp.resolve("nan"))) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> t.train(data, 16, new PrintStream(new ByteArrayOutputStream())));
      assertTrue(e.getMessage().startsWith("tokenizer loss is "), e.getMessage());
      assertTrue(e.getMessage().contains("The last good checkpoint is kept at"), e.getMessage());
    }
  }

  @Test
  void wrongImageSizeIsRejected() {
    ImageDataset big = SyntheticShapes.generate(4, 20, 1, 1);
    try (TokenizerTrainer t = new TokenizerTrainer(tiny(), cfg(2, 1), tmp)) {
      var e = assertThrows(IllegalArgumentException.class, () -> t.train(big, 16, System.out));
      assertEquals("image size 20x20 does not fit the VAE's 16x16", e.getMessage());
    }
  }
}
