package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code sample} and {@code zero-shot} commands end to end on {@link TinyModels} and
 * checks every figure's pixel size against its grid: rows x columns of tiles of known size, plus
 * room for labels and title.
 */
class SampleCommandsTest {
  static final int S = TinyModels.S;

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
    TinyModels m = TinyModels.write(dir);
    tok = m.tokenizer();
    var = m.var();
    data = m.data();
  }

  @Test
  void sampleWritesFiveFiguresOfTheExpectedSizes() throws IOException {
    Path fig = dir.resolve("fig-sample");
    int rc =
        Cli.run(
                "sample",
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
                "4")
            .rc();
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
        Cli.run(
                "zero-shot",
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
                "4")
            .rc();
    assertEquals(0, rc);
    // rows = images, columns = original, region, 3 results; tiles at scale 4
    for (String f : new String[] {"inpaint", "outpaint", "edit"}) {
      checkGrid(fig.resolve("var-folder-" + f + ".png"), 2, 5, S * 4, 2, TEXT_ROOM);
    }
  }

  @Test
  void missingVarIsNamedAndNothingIsWritten() {
    Path nope = dir.resolve("nope");
    Cli.Result r =
        Cli.run(
            "sample",
            "--tokenizer",
            tok.toString(),
            "--var",
            nope.toString(),
            "--figures",
            dir.resolve("fig-none").toString());
    assertEquals(2, r.rc());
    assertEquals(
        "var4j: error: --var " + nope + ": no VAR model there (no config.json)",
        String.join("\n", r.errLines()));
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
