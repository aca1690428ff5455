package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the {@code sample} and {@code zero-shot} commands end to end on an untrained tiny tokenizer
 * and a random tiny VAR written to disk in the exported format, with a tiny image-folder data set
 * (2 classes, 16x16 grey), and checks every figure's pixel size against its grid: rows x columns of
 * tiles of known size, plus room for labels and title.
 */
class SampleCommandsTest {
  /**
   * 16x16 grey, 4x downsampling to a 4x4 latent, patch numbers 1, 2, 4 (K = 3), V = 32, Cvae = 4.
   */
  static final VqVaeConfig TINY_VAE =
      new VqVaeConfig(
          1, 32, new int[] {1, 1, 1}, 1, 4, 32, ScaleSchedule.of(1, 2, 4), 0.25, 0.5, 4, 16);

  static final int S = 16;

  /**
   * Column labels and the title fit in this many pixels down (one 12/14 pt line each, plus gaps).
   */
  static final int TEXT_ROOM = 60;

  /** Column labels alone (token maps, no title). */
  static final int LABEL_ROOM = 30;

  @TempDir static Path dir;
  static Path tok, var, data;

  @BeforeAll
  static void writeModels() throws IOException {
    tok = dir.resolve("tok");
    var = dir.resolve("var");
    data = dir.resolve("data");
    StateDict vaeSd;
    try (Tokenizer t = Tokenizer.initialized(TINY_VAE, 1)) {
      vaeSd = t.params().stateDict(t.session());
    }
    ModelDir.save(tok, ModelKind.TOKENIZER, TINY_VAE, vaeSd);
    VarConfig vc =
        VarConfig.ofDepth(1, TINY_VAE.vocabSize(), TINY_VAE.zChannels(), 2, TINY_VAE.patchNums());
    try (VarSampler s = VarSampler.randomVar(vc, 2, TINY_VAE, vaeSd)) {
      ModelDir.save(var, ModelKind.VAR, vc, s.varStateDict());
    }
    // 2 classes x 14 images: the 6/7 split leaves 2 test images per class
    SplittableRandom rng = new SplittableRandom(3);
    for (String cls : new String[] {"a", "b"}) {
      Files.createDirectories(data.resolve(cls));
      for (int i = 0; i < 14; i++) {
        BufferedImage img = new BufferedImage(S, S, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < S; y++)
          for (int x = 0; x < S; x++) img.getRaster().setSample(x, y, 0, rng.nextInt(256));
        ImageIO.write(img, "png", data.resolve(cls).resolve(i + ".png").toFile());
      }
    }
  }

  @Test
  void sampleWritesFiveFiguresOfTheExpectedSizes() throws IOException {
    Path fig = dir.resolve("fig-sample");
    int rc =
        new CommandLine(new SampleCommand())
            .execute(
                "--tokenizer",
                tok.toString(),
                "--var",
                var.toString(),
                "--data",
                data.toString(),
                "--figures",
                fig.toString(),
                "--per-class",
                "3",
                "--cfg-sweep",
                "0,1.5,5",
                "--grid-top-k",
                "0,5",
                "--grid-top-p",
                "0,0.9",
                "--grid-samples",
                "4",
                "--scale",
                "4");
    assertEquals(0, rc);
    int tile = S * 4, pad = 2;
    checkGrid(
        fig.resolve("var-folder-samples.png"),
        2,
        3,
        tile,
        pad,
        TEXT_ROOM); // rows = classes, 3 per class
    checkGrid(
        fig.resolve("var-folder-cfg-sweep.png"),
        2,
        3,
        tile,
        pad,
        TEXT_ROOM); // rows = classes, columns = cfg
    checkGrid(
        fig.resolve("var-folder-topk-topp.png"),
        2,
        4,
        tile,
        pad,
        TEXT_ROOM); // rows = (k, p) settings
    // 2 samples (one per class) x K = 3 scales, pictures at scale 5
    checkGrid(fig.resolve("var-folder-coarse-to-fine.png"), 2, 3, S * 5, 4, TEXT_ROOM);
    // the same 2 samples x 3 scales, every map 4x4 cells of 12 px
    checkGrid(fig.resolve("var-folder-token-maps.png"), 2, 3, 4 * 12, 4, LABEL_ROOM);
  }

  @Test
  void zeroShotWritesThreeFiguresOfTheExpectedSizes() throws IOException {
    Path fig = dir.resolve("fig-zero-shot");
    int rc =
        new CommandLine(new ZeroShotCommand())
            .execute(
                "--tokenizer",
                tok.toString(),
                "--var",
                var.toString(),
                "--data",
                data.toString(),
                "--image-size",
                "16",
                "--figures",
                fig.toString(),
                "--images",
                "2",
                "--per-image",
                "3",
                "--edit-from",
                "0",
                "--edit-to",
                "1",
                "--scale",
                "4");
    assertEquals(0, rc);
    // rows = images, columns = original, region, 3 results; tiles at scale 4
    for (String f : new String[] {"inpaint", "outpaint", "edit"}) {
      checkGrid(fig.resolve("var-folder-" + f + ".png"), 2, 5, S * 4, 2, TEXT_ROOM);
    }
  }

  @Test
  void missingVarSaysWhatToRun() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new SampleCommand()).setErr(new PrintWriter(err));
    int rc =
        cl.execute(
            "--tokenizer",
            tok.toString(),
            "--var",
            dir.resolve("nope").toString(),
            "--figures",
            dir.resolve("fig-none").toString());
    assertNotEquals(0, rc);
    assertTrue(err.toString().contains("scripts/var4j train-var"), err.toString());
    assertTrue(!Files.exists(dir.resolve("fig-none")), "no figures without a model");
  }

  /**
   * A grid of {@code rows x cols} tiles of {@code tile} px with {@code pad} px between and around
   * them: the tiles take rows·(tile+pad)+pad pixels down and cols·(tile+pad)+pad across; title and
   * column labels add at most {@code textRoom} pixels down (less than one tile row, so the row
   * count is exact), row labels and a title wider than the tiles add some pixels across.
   */
  static void checkGrid(Path png, int rows, int cols, int tile, int pad, int textRoom)
      throws IOException {
    assertTrue(textRoom < tile + pad, "test setup: the text room must be smaller than a tile row");
    assertTrue(Files.isRegularFile(png), png + " was not written");
    BufferedImage img = ImageIO.read(png.toFile());
    int h = rows * (tile + pad) + pad, w = cols * (tile + pad) + pad;
    assertTrue(
        img.getHeight() >= h && img.getHeight() - h <= textRoom,
        png.getFileName()
            + ": height "
            + img.getHeight()
            + " is not "
            + rows
            + " rows of "
            + tile
            + " px ("
            + h
            + ") + at most "
            + textRoom);
    assertTrue(
        img.getWidth() >= w && img.getWidth() - w <= 600,
        png.getFileName()
            + ": width "
            + img.getWidth()
            + " is not "
            + cols
            + " columns of "
            + tile
            + " px ("
            + w
            + ") + labels");
  }
}
