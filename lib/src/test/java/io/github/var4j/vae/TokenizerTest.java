package io.github.var4j.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.io.TfCheckpoint;
import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
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
  static final int B = 2;
  static Tokenizer tok;
  static float[] img;
  static List<int[]> storedIdx;

  @BeforeAll
  static void load() {
    tok = Tokenizer.load(CFG, Fixtures.stateDict("params/vae"));
    img = Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy"));
    storedIdx = new ArrayList<>();
    for (int k = 0; k < 4; k++) storedIdx.add(Fixtures.ints("vae/idx_s" + k + ".npy"));
  }

  @AfterAll
  static void close() {
    tok.close();
  }

  /** NHWC result vs NCHW fixture at the manifest tolerance; prints the max |diff|. */
  static void check(String file, float[] actualNhwc, String what) {
    double d = Fixtures.assertClose(Fixtures.nchwToNhwc(Fixtures.npy(file)), actualNhwc, Fixtures.tol(file),
        what + " vs " + file);
    System.out.printf("%s vs %s: max |diff| %.3g%n", what, file, d);
  }

  @Test
  void encodeToIndicesReproducesTheOfficialTokens() {
    List<int[]> idx = tok.encodeToIndices(img, B);
    assertEquals(4, idx.size());
    for (int k = 0; k < 4; k++) Fixtures.assertExact(storedIdx.get(k), idx.get(k), "idx_s" + k);
    // gt_BL = cat over scales per image
    int[] gt = Fixtures.ints("vae/gt_BL.npy");
    int[] cat = new int[B * CFG.L()];
    int[] pns = CFG.patchNums();
    for (int b = 0, o = 0; b < B; b++) {
      for (int k = 0; k < 4; k++) {
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
    check("vae/recon_B3HW.npy", tok.decodeFHat(Fixtures.nchwToNhwc(Fixtures.npy("vae/fhat_s3.npy")), B),
        "decodeFHat(fhat_s3)");
  }

  @Test
  void coarseToFineDecodeMatchesEveryScale() {
    List<float[]> upTo = tok.decodeUpToEachScale(storedIdx, B);
    assertEquals(4, upTo.size());
    for (int k = 0; k < 4; k++) check("vae/recon_upto_s" + k + ".npy", upTo.get(k), "decodeUpToEachScale[" + k + "]");
    List<float[]> fHats = tok.fHatPerScale(storedIdx, B);
    for (int k = 0; k < 4; k++) check("vae/fhat_s" + k + ".npy", fHats.get(k), "fHatPerScale[" + k + "]");
  }

  @Test
  void varInputMatchesTeacherForcingInput() {
    String file = "vae/x_BLCv_wo_first_l.npy";   // (B, L-1, Cvae), already channel-last
    float[] x = tok.varInput(storedIdx, B);
    assertEquals(B * 29 * 8, x.length);
    double d = Fixtures.assertMatches(file, x);
    System.out.printf("varInput vs %s: max |diff| %.3g%n", file, d);
  }

  @Test
  void codebookIsTheLoadedEmbedding() {
    assertArrayEquals(Fixtures.floats("params/vae/quantize.embedding.weight.npy"), tok.codebook());
  }

  @Test
  void chunkedProcessingGivesTheSameResults() {
    // 3 images (the 2 fixtures + the first again) in chunks of 2 -> one full and one partial chunk
    float[] three = new float[3 * 8 * 8 * 3];
    System.arraycopy(img, 0, three, 0, img.length);
    System.arraycopy(img, 0, three, img.length, 8 * 8 * 3);
    try (Tokenizer small = Tokenizer.load(CFG, Fixtures.stateDict("params/vae"), 2)) {
      assertEquals(2, small.chunkSize());
      List<int[]> idx3 = small.encodeToIndices(three, 3);
      int[] pns = CFG.patchNums();
      for (int k = 0; k < 4; k++) {
        int t = pns[k] * pns[k];
        int[] want = new int[3 * t];
        System.arraycopy(storedIdx.get(k), 0, want, 0, 2 * t);
        System.arraycopy(storedIdx.get(k), 0, want, 2 * t, t);
        Fixtures.assertExact(want, idx3.get(k), "chunked idx_s" + k);
      }
      float[] rec3 = small.reconstruct(three, 3);
      float[] rec2 = tok.reconstruct(img, B);
      float[] want = new float[rec3.length];
      System.arraycopy(rec2, 0, want, 0, rec2.length);
      System.arraycopy(rec2, 0, want, rec2.length, 8 * 8 * 3);
      // the batch size changes the conv kernels' blocking and so the fp32 summation order (measured ~3e-6, the
      // fp32 noise level of the decoder): compare at the fixture tolerance of the same quantity; a stitching error
      // would be O(1)
      Fixtures.assertClose(want, rec3, Fixtures.tol("vae/recon_B3HW.npy"), "chunked reconstruct");
      Fixtures.assertClose(tok.varInput(storedIdx, B), small.varInput(storedIdx, B),
          Fixtures.tol("vae/x_BLCv_wo_first_l.npy"), "chunked varInput");
    }
  }

  @Test
  void badArgumentsAreRejectedWithClearMessages() {
    assertEquals("expected 384 floats for 2 images of 8x8x3 (NHWC), got 383",
        assertThrows(IllegalArgumentException.class, () -> tok.encodeToIndices(new float[383], 2)).getMessage());
    assertEquals("n must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> tok.reconstruct(new float[0], 0)).getMessage());
    assertEquals("expected token maps for 4 scales, got 3",
        assertThrows(IllegalArgumentException.class, () -> tok.decodeIndices(storedIdx.subList(0, 3), B)).getMessage());
    List<int[]> shortIdx = new ArrayList<>(storedIdx);
    shortIdx.set(2, new int[9]);
    assertEquals("scale 2 (pn=3): expected 18 token ids for 2 images, got 9",
        assertThrows(IllegalArgumentException.class, () -> tok.varInput(shortIdx, B)).getMessage());
    List<int[]> badId = new ArrayList<>(storedIdx);
    badId.set(1, new int[] {0, 1, 2, 64, 0, 0, 0, 0});
    assertEquals("scale 1: token id 64 is outside [0, 64)",
        assertThrows(IllegalArgumentException.class, () -> tok.decodeUpToEachScale(badId, B)).getMessage());
    assertEquals("expected 256 floats for 2 latents of 4x4x8, got 128",
        assertThrows(IllegalArgumentException.class, () -> tok.decodeFHat(new float[128], 2)).getMessage());
  }

  @Test
  void loadingRejectsMissingAndMisshapenWeights() {
    StateDict full = Fixtures.stateDict("params/vae");
    StateDict missing = new StateDict();
    full.names().stream().filter(n -> !n.equals("quant_conv.bias")).forEach(n -> missing.put(n, full.get(n)));
    assertEquals("missing weight 'quant_conv.bias' in state dict",
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(CFG, missing)).getMessage());
    StateDict wrong = new StateDict();
    full.names().forEach(n -> wrong.put(n, full.get(n)));
    wrong.put("quantize.embedding.weight", new HostTensor(new long[] {32, 8}, new float[256]));
    assertEquals("shape mismatch for 'quantize.embedding.weight': model expects [64, 8], state dict has [32, 8]",
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(CFG, wrong)).getMessage());
  }

  @Test
  void fromCheckpointRestoresTheSavedWeights(@TempDir Path dir) throws Exception {
    Path prefix = dir.resolve("vae");
    new TfCheckpoint(tok.params()).save(tok.session(), prefix);
    try (Tokenizer restored = Tokenizer.fromCheckpoint(CFG, prefix)) {
      List<int[]> idx = restored.encodeToIndices(img, B);
      for (int k = 0; k < 4; k++) Fixtures.assertExact(storedIdx.get(k), idx.get(k), "restored idx_s" + k);
      assertArrayEquals(tok.codebook(), restored.codebook());
    }
    assertThrows(java.io.IOException.class, () -> Tokenizer.fromCheckpoint(CFG, dir.resolve("absent")));
    assertTrue(Files.exists(Path.of(prefix + TfCheckpoint.INDEX_SUFFIX)));
  }

  @Test
  void untrainedFashionMnistTokenizerRunsEveryPath() {
    VqVaeConfig fm = VqVaeConfig.fashionMnistDefault();
    int n = 3, px = 32 * 32;
    float[] imgs = new float[n * px];
    for (int i = 0; i < imgs.length; i++) imgs[i] = (float) Math.sin(i * 0.013) * 0.9f;
    try (Tokenizer t = Tokenizer.initialized(fm, 7)) {
      List<int[]> idx = t.encodeToIndices(imgs, n);
      int[] pns = fm.patchNums();
      assertEquals(7, idx.size());
      for (int k = 0; k < 7; k++) {
        assertEquals(n * pns[k] * pns[k], idx.get(k).length);
        for (int v : idx.get(k)) assertTrue(v >= 0 && v < 512, "token " + v);
      }
      List<float[]> upTo = t.decodeUpToEachScale(idx, n);
      assertEquals(7, upTo.size());
      for (float[] im : upTo) {
        assertEquals(n * px, im.length);
        for (float v : im) assertTrue(v >= -1f && v <= 1f, "clamped pixel " + v);
      }
      // the full-scale decode equals the reconstruction of the same images
      Fixtures.assertClose(t.reconstruct(imgs, n), upTo.get(6), Fixtures.tol("vae/recon_B3HW.npy"),
          "decodeUpToEachScale[K-1] vs reconstruct");
      assertEquals(n * (fm.L() - 1) * 16, t.varInput(idx, n).length);
      assertEquals(512 * 16, t.codebook().length);
    }
  }
}
