package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sample} and {@code zero-shot} on official-format checkpoints: the tiny fixture models
 * (fixtures/checkpoints, made by the official code), configured from their weights, with the
 * manifest's scale schedule and labels.
 */
class OfficialCommandsTest {
  @TempDir Path dir;

  static Path fixtures() {
    return Path.of(System.getProperty("var4j.fixtures"));
  }

  static String manifestList(String key) throws IOException {
    JsonNode m = new ObjectMapper().readTree(fixtures().resolve("manifest.json").toFile());
    List<String> v = new ArrayList<>();
    m.get("tiny_config").get(key).forEach(n -> v.add(n.asText()));
    return String.join(",", v);
  }

  static int manifestInt(String key) throws IOException {
    JsonNode m = new ObjectMapper().readTree(fixtures().resolve("manifest.json").toFile());
    return m.get("tiny_config").get(key).asInt();
  }

  private static List<String> official(String ext) throws IOException {
    Path c = fixtures().resolve("checkpoints");
    return List.of(
        "--official-vae",
        c.resolve("vae_tiny" + ext).toString(),
        "--official-var",
        c.resolve("var_tiny" + ext).toString(),
        "--patch-nums",
        manifestList("patch_nums"));
  }

  @Test
  void sampleWritesTheClassesAndTheCoarseToFineFigures() throws IOException {
    Path fig = dir.resolve("fig");
    List<String> args = new ArrayList<>(List.of("sample"));
    args.addAll(official(".pth"));
    args.addAll(
        List.of("--classes", manifestList("labels"), "--top-k", "5", "--figures", fig.toString()));
    assertEquals(0, Cli.run(args.toArray(String[]::new)).rc());
    for (String f : new String[] {"samples", "coarse-to-fine", "token-maps"})
      assertTrue(Files.isRegularFile(fig.resolve("official-" + f + ".png")), f);
  }

  @Test
  void zeroShotEditsAPhotoAndNamesBadInput() throws IOException {
    Path photo = dir.resolve("photo.png");
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(1);
    for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, r.nextInt(1 << 24));
    ImageIO.write(img, "png", photo.toFile());
    Path fig = dir.resolve("fig");
    List<String> args = new ArrayList<>(List.of("zero-shot"));
    args.addAll(official(".safetensors"));
    args.addAll(
        List.of(
            "--photo",
            photo.toString(),
            "--per-image",
            "2",
            "--edit-to",
            Integer.toString(Math.min(1, manifestInt("num_classes") - 1)), // a class there is
            "--figures",
            fig.toString()));
    assertEquals(0, Cli.run(args.toArray(String[]::new)).rc());
    for (String f : new String[] {"inpaint", "outpaint", "edit"})
      assertTrue(Files.isRegularFile(fig.resolve("official-" + f + ".png")), f);

    List<String> bad = new ArrayList<>(List.of("zero-shot"));
    bad.addAll(official(".pth"));
    bad.addAll(List.of("--photo", dir.resolve("none.png").toString()));
    Cli.Result res = Cli.run(bad.toArray(String[]::new));
    assertEquals(2, res.rc());
    assertEquals(
        "var4j: error: --photo " + dir.resolve("none.png") + ": no such file",
        String.join("\n", res.errLines()));
  }
}
