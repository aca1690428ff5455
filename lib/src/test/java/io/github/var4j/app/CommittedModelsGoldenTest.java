package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.var4j.io.Npy;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.testutil.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first committed models ({@code models/fmnist-tokenizer-l1l2} and {@code
 * models/fmnist-var-l1l2}, the defaults until issue 12) give the same samples for the same seed as
 * the code before the refactor of issue 7 (golden files in {@code
 * src/test/resources/golden/fmnist-samples}, see its README): token maps exactly, images to 1e-6
 * (measured: bit-identical on the development machine).
 */
class CommittedModelsGoldenTest {
  static final List<SampleOptions> OPTIONS =
      List.of(
          SampleOptions.defaults().withSeed(7),
          SampleOptions.greedy(1.5),
          SampleOptions.defaults().withSeed(3).withMoreSmooth(true),
          SampleOptions.defaults().withSeed(11).withTopK(100).withTopP(0.9).withCfg(3.0));

  @Test
  void samplesEqualTheGoldenFiles() throws IOException {
    Path root = Path.of(System.getProperty("var4j.root", ".."));
    Path tok = root.resolve("models/fmnist-tokenizer-l1l2");
    Path var = root.resolve("models/fmnist-var-l1l2");
    Path golden = root.resolve("lib/src/test/resources/golden/fmnist-samples");
    try (VarSampler s =
        VarSampler.load(
            ModelDir.config(var, ModelKind.VAR),
            ModelDir.weights(var),
            ModelDir.config(tok, ModelKind.TOKENIZER),
            ModelDir.weights(tok))) {
      for (int i = 0; i < OPTIONS.size(); i++) {
        SampleResult r = s.sampleClasses(2, OPTIONS.get(i));
        int[] want = Npy.read(golden.resolve("tokens_" + i + ".npy")).asInts();
        Fixtures.assertExact(want, tokensNL(r), "tokens of " + OPTIONS.get(i));
        float[] img = Npy.read(golden.resolve("images_" + i + ".npy")).asFloats();
        double d = Fixtures.assertClose(img, r.images(), 1e-6, 0, "images of " + OPTIONS.get(i));
        System.out.printf("golden %d: tokens equal, images max|diff| %.3g%n", i, d);
      }
    }
  }

  /** The K token maps of every image concatenated: (n, L) row-major. */
  static int[] tokensNL(SampleResult r) {
    int n = r.n(), L = r.patchNums().L();
    int[] out = new int[n * L];
    for (int b = 0; b < n; b++) {
      for (int k = 0; k < r.patchNums().K(); k++) {
        int t = r.patchNums().tokens(k);
        System.arraycopy(r.tokens().get(k), b * t, out, b * L + r.patchNums().begin(k), t);
      }
    }
    assertEquals(n * L, out.length);
    return out;
  }
}
