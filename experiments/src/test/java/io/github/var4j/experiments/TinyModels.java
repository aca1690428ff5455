package io.github.var4j.experiments;

import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * An untrained tiny tokenizer and a random tiny VAR written to disk in the exported format, and a
 * tiny image-folder data set (2 classes, 16x16 grey): the inputs of the command tests.
 */
record TinyModels(Path tokenizer, Path var, Path data) {
  /**
   * 16x16 grey, 4x downsampling to a 4x4 latent, patch numbers 1, 2, 4 (K = 3), V = 32, Cvae = 4.
   */
  static final VqVaeConfig TINY_VAE =
      VqVaeConfig.builder()
          .inChannels(1)
          .ch(32)
          .chMult(new int[] {1, 1, 1})
          .numResBlocks(1)
          .zChannels(4)
          .vocabSize(32)
          .patchNums(ScaleSchedule.of(1, 2, 4))
          .beta(0.25)
          .quantResi(0.5)
          .shareQuantResi(4)
          .imageSize(16)
          .build();

  /** Side of the images. */
  static final int S = 16;

  /** Writes {@code dir/tok}, {@code dir/var} and {@code dir/data}. */
  static TinyModels write(Path dir) throws IOException {
    Path tok = dir.resolve("tok"), var = dir.resolve("var"), data = dir.resolve("data");
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
    return new TinyModels(tok, var, data);
  }
}
