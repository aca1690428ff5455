package io.github.var4j.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer end to end on the official tiny VQ-VAE fixtures (params/vae, vae/). */
class TokenizerTest {
  static final VqVaeConfig CFG = TinyFixture.get().vqVaeConfig();
  static final int B = TinyFixture.get().B(), K = CFG.patchNums().K();

  /** Floats per image (H·W·C) and per latent (h·w·Cvae). */
  static final int IMG = CFG.imageSize() * CFG.imageSize() * CFG.inChannels(),
      LAT = CFG.latentSide() * CFG.latentSide() * CFG.zChannels();

  static Tokenizer tok;
  static float[] img;
  static List<int[]> storedIdx;

  @BeforeAll
  static void load() {
    tok = Tokenizer.load(CFG, Fixtures.stateDict("params/vae"));
    img = Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy"));
    storedIdx = new ArrayList<>();
    for (int k = 0; k < K; k++) storedIdx.add(Fixtures.ints("vae/idx_s" + k + ".npy"));
  }

  @AfterAll
  static void close() {
    tok.close();
  }

  /** NHWC result vs NCHW fixture at the manifest tolerance; prints the max |diff|. */
  static void check(String file, float[] actualNhwc, String what) {
    double d =
        Fixtures.assertClose(
            Fixtures.nchwToNhwc(Fixtures.npy(file)),
            actualNhwc,
            Fixtures.tol(file),
            what + " vs " + file);
    System.out.printf("%s vs %s: max |diff| %.3g%n", what, file, d);
  }

  @Test
  void encodeToIndicesReproducesTheOfficialTokens() {
    List<int[]> idx = tok.encodeToIndices(img, B);
    assertEquals(K, idx.size());
    for (int k = 0; k < K; k++) Fixtures.assertExact(storedIdx.get(k), idx.get(k), "idx_s" + k);
    // gt_BL = cat over scales per image
    int[] gt = Fixtures.ints("vae/gt_BL.npy");
    int[] cat = new int[B * CFG.patchNums().L()];
    int[] pns = CFG.patchNums().toArray();
    for (int b = 0, o = 0; b < B; b++) {
      for (int k = 0; k < K; k++) {
        int t = pns[k] * pns[k];
        System.arraycopy(idx.get(k), b * t, cat, o, t);
        o += t;
      }
    }
    Fixtures.assertExact(gt, cat, "gt_BL");
  }

  @Test
  void encodeFMatchesTheOfficialLatent() {
    check("vae/f_BChw.npy", tok.encodeF(img, B), "encodeF");
  }

  @Test
  void reconstructMatchesTheOfficialClampedImage() {
    float[] rec = tok.reconstruct(img, B);
    check("vae/recon_B3HW.npy", rec, "reconstruct");
    for (float v : rec) assertTrue(v >= -1f && v <= 1f, "clamped: " + v);
  }

  @Test
  void decodeIndicesOfTheStoredTokens() {
    check("vae/recon_B3HW.npy", tok.decodeIndices(storedIdx, B), "decodeIndices");
  }

  @Test
  void decodeFHatOfTheStoredLatent() {
    String last = "vae/fhat_s" + (K - 1) + ".npy";
    check(
        "vae/recon_B3HW.npy",
        tok.decodeFHat(Fixtures.nchwToNhwc(Fixtures.npy(last)), B),
        "decodeFHat(" + last + ")");
  }

  @Test
  void coarseToFineDecodeMatchesEveryScale() {
    List<float[]> upTo = tok.decodeUpToEachScale(storedIdx, B);
    assertEquals(K, upTo.size());
    for (int k = 0; k < K; k++)
      check("vae/recon_upto_s" + k + ".npy", upTo.get(k), "decodeUpToEachScale[" + k + "]");
    List<float[]> fHats = tok.fHatPerScale(storedIdx, B);
    for (int k = 0; k < K; k++)
      check("vae/fhat_s" + k + ".npy", fHats.get(k), "fHatPerScale[" + k + "]");
  }

  @Test
  void varInputMatchesTeacherForcingInput() {
    String file = "vae/x_BLCv_wo_first_l.npy"; // (B, L-1, Cvae), already channel-last
    float[] x = tok.varInput(storedIdx, B);
    long[] shape = Fixtures.shape(file);
    assertEquals(shape[0] * shape[1] * shape[2], x.length);
    double d = Fixtures.assertMatches(file, x);
    System.out.printf("varInput vs %s: max |diff| %.3g%n", file, d);
  }

  @Test
  void codebookIsTheLoadedEmbedding() {
    assertArrayEquals(Fixtures.floats("params/vae/quantize.embedding.weight.npy"), tok.codebook());
  }

  @Test
  void chunkedProcessingGivesTheSameResults() {
    // B + 1 images (the B fixtures + the first again) in chunks of max(B, 2): at least one full and
    // one partial chunk
    int n = B + 1, chunk = Math.max(B, 2);
    float[] more = new float[n * IMG];
    System.arraycopy(img, 0, more, 0, img.length);
    System.arraycopy(img, 0, more, img.length, IMG);
    try (Tokenizer small = Tokenizer.load(CFG, Fixtures.stateDict("params/vae"), chunk)) {
      assertEquals(chunk, small.chunkSize());
      List<int[]> idxN = small.encodeToIndices(more, n);
      int[] pns = CFG.patchNums().toArray();
      for (int k = 0; k < K; k++) {
        int t = pns[k] * pns[k];
        int[] want = new int[n * t];
        System.arraycopy(storedIdx.get(k), 0, want, 0, B * t);
        System.arraycopy(storedIdx.get(k), 0, want, B * t, t);
        Fixtures.assertExact(want, idxN.get(k), "chunked idx_s" + k);
      }
      float[] recN = small.reconstruct(more, n);
      float[] recB = tok.reconstruct(img, B);
      float[] want = new float[recN.length];
      System.arraycopy(recB, 0, want, 0, recB.length);
      System.arraycopy(recB, 0, want, recB.length, IMG);
      // the batch size changes the conv kernels' blocking and so the fp32 summation order (measured
      // ~3e-6, the
      // fp32 noise level of the decoder): compare at the fixture tolerance of the same quantity; a
      // stitching error
      // would be O(1)
      Fixtures.assertClose(want, recN, Fixtures.tol("vae/recon_B3HW.npy"), "chunked reconstruct");
      Fixtures.assertClose(
          tok.varInput(storedIdx, B),
          small.varInput(storedIdx, B),
          Fixtures.tol("vae/x_BLCv_wo_first_l.npy"),
          "chunked varInput");
    }
  }

  @Test
  void badArgumentsAreRejectedWithClearMessages() {
    int px = CFG.imageSize(),
        ch = CFG.inChannels(),
        side = CFG.latentSide(),
        cv = CFG.zChannels(),
        v = CFG.vocabSize();
    assertEquals(
        "expected "
            + B * IMG
            + " floats for "
            + B
            + " images of "
            + px
            + "x"
            + px
            + "x"
            + ch
            + " (NHWC), got "
            + (B * IMG - 1),
        assertThrows(
                IllegalArgumentException.class,
                () -> tok.encodeToIndices(new float[B * IMG - 1], B))
            .getMessage());
    assertEquals(
        "n must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> tok.reconstruct(new float[0], 0))
            .getMessage());
    assertEquals(
        "expected token maps for " + K + " scales, got " + (K - 1),
        assertThrows(
                IllegalArgumentException.class,
                () -> tok.decodeIndices(storedIdx.subList(0, K - 1), B))
            .getMessage());
    // the last scale one token short
    int si = K - 1, pn = CFG.patchNums().pn(si);
    List<int[]> shortIdx = new ArrayList<>(storedIdx);
    shortIdx.set(si, new int[B * pn * pn - 1]);
    assertEquals(
        "scale "
            + si
            + " (pn="
            + pn
            + "): expected "
            + B * pn * pn
            + " token ids for "
            + B
            + " images, got "
            + (B * pn * pn - 1),
        assertThrows(IllegalArgumentException.class, () -> tok.varInput(shortIdx, B)).getMessage());
    // one token id = V on the last scale
    List<int[]> badId = new ArrayList<>(storedIdx);
    int[] bad = storedIdx.get(si).clone();
    bad[bad.length - 1] = v;
    badId.set(si, bad);
    assertEquals(
        "scale " + si + ": token id " + v + " is outside [0, " + v + ")",
        assertThrows(IllegalArgumentException.class, () -> tok.decodeUpToEachScale(badId, B))
            .getMessage());
    assertEquals(
        "expected "
            + B * LAT
            + " floats for "
            + B
            + " latents of "
            + side
            + "x"
            + side
            + "x"
            + cv
            + ", got "
            + (B * LAT - 1),
        assertThrows(
                IllegalArgumentException.class, () -> tok.decodeFHat(new float[B * LAT - 1], B))
            .getMessage());
  }

  @Test
  void loadingRejectsMissingAndMisshapenWeights() {
    StateDict full = Fixtures.stateDict("params/vae");
    StateDict missing = new StateDict();
    full.names().stream()
        .filter(n -> !n.equals("quant_conv.bias"))
        .forEach(n -> missing.put(n, full.get(n)));
    assertEquals(
        "missing weight 'quant_conv.bias' in state dict",
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(CFG, missing))
            .getMessage());
    StateDict wrong = new StateDict();
    full.names().forEach(n -> wrong.put(n, full.get(n)));
    int v = CFG.vocabSize(), cv = CFG.zChannels();
    wrong.put(
        "quantize.embedding.weight",
        new HostTensor(new long[] {v + 1, cv}, new float[(v + 1) * cv]));
    assertEquals(
        "shape mismatch for 'quantize.embedding.weight': model expects ["
            + v
            + ", "
            + cv
            + "], state dict has ["
            + (v + 1)
            + ", "
            + cv
            + "]",
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(CFG, wrong))
            .getMessage());
  }

  @Test
  void fromCheckpointRestoresTheSavedWeights(@TempDir Path dir) throws Exception {
    Path prefix = dir.resolve("vae");
    new TfCheckpoint(tok.params()).save(tok.session(), prefix);
    try (Tokenizer restored = Tokenizer.fromCheckpoint(CFG, prefix)) {
      List<int[]> idx = restored.encodeToIndices(img, B);
      for (int k = 0; k < K; k++)
        Fixtures.assertExact(storedIdx.get(k), idx.get(k), "restored idx_s" + k);
      assertArrayEquals(tok.codebook(), restored.codebook());
    }
    assertThrows(
        java.io.IOException.class, () -> Tokenizer.fromCheckpoint(CFG, dir.resolve("absent")));
    assertTrue(Files.exists(Path.of(TfCheckpoint.bundle(prefix) + TfCheckpoint.INDEX_SUFFIX)));
  }

  @Test
  void untrainedFashionMnistTokenizerRunsEveryPath() {
    VqVaeConfig fm = VqVaeConfig.fashionMnistDefault();
    int n = 3,
        px = fm.imageSize() * fm.imageSize() * fm.inChannels(),
        fk = fm.patchNums().K(),
        v = fm.vocabSize();
    float[] imgs = new float[n * px];
    for (int i = 0; i < imgs.length; i++) imgs[i] = (float) Math.sin(i * 0.013) * 0.9f;
    try (Tokenizer t = Tokenizer.initialized(fm, 7)) {
      List<int[]> idx = t.encodeToIndices(imgs, n);
      int[] pns = fm.patchNums().toArray();
      assertEquals(fk, idx.size());
      for (int k = 0; k < fk; k++) {
        assertEquals(n * pns[k] * pns[k], idx.get(k).length);
        for (int id : idx.get(k)) assertTrue(id >= 0 && id < v, "token " + id);
      }
      List<float[]> upTo = t.decodeUpToEachScale(idx, n);
      assertEquals(fk, upTo.size());
      for (float[] im : upTo) {
        assertEquals(n * px, im.length);
        for (float p : im) assertTrue(p >= -1f && p <= 1f, "clamped pixel " + p);
      }
      // the full-scale decode equals the reconstruction of the same images
      Fixtures.assertClose(
          t.reconstruct(imgs, n),
          upTo.get(fk - 1),
          Fixtures.tol("vae/recon_B3HW.npy"),
          "decodeUpToEachScale[K-1] vs reconstruct");
      assertEquals(n * (fm.patchNums().L() - 1) * fm.zChannels(), t.varInput(idx, n).length);
      assertEquals(v * fm.zChannels(), t.codebook().length);
    }
  }
}
