package io.github.var4j.pretrained;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening official-format checkpoints: the tiny fixture models, configured from their weights. */
class OfficialCheckpointsTest {
  @TempDir Path tmp;

  private static Path ckpt(String name) {
    return Fixtures.path("checkpoints/" + name);
  }

  private static void assertSameArchitecture(VarConfig want, VarConfig got) {
    assertEquals(want.vocabSize(), got.vocabSize());
    assertEquals(want.cvae(), got.cvae());
    assertEquals(want.numClasses(), got.numClasses());
    assertEquals(want.depth(), got.depth());
    assertEquals(want.embedDim(), got.embedDim());
    assertEquals(want.numHeads(), got.numHeads());
    assertEquals(want.mlpRatio(), got.mlpRatio());
    assertEquals(want.attnL2Norm(), got.attnL2Norm());
    assertEquals(want.sharedAdaLN(), got.sharedAdaLN());
    assertEquals(want.patchNums(), got.patchNums());
  }

  @Test
  void configurationsAreReadOffTheStateDictsAndTheModelsLoad() throws Exception {
    TinyFixture fx = TinyFixture.get();
    for (String ext : new String[] {".pth", ".safetensors"}) {
      OfficialCheckpoints.Opened o =
          OfficialCheckpoints.open(ckpt("vae_tiny" + ext), ckpt("var_tiny" + ext), fx.schedule());
      assertEquals(fx.vqVaeConfig(), o.vae(), ext);
      assertSameArchitecture(fx.varConfig(), o.var());
      try (VarSampler s = VarSampler.load(o.var(), o.varWeights(), o.vae(), o.vaeWeights())) {
        int S = o.vae().imageSize();
        float[] img = s.images(new int[] {fx.labels()[0]}, SampleOptions.defaults());
        assertEquals(S * S * TinyFixture.imageChannels(), img.length);
      }
    }
  }

  @Test
  void aScheduleThatDoesNotFitTheVarIsNamed() {
    TinyFixture fx = TinyFixture.get();
    // the fixture's schedule with one more scale (side one larger than its last): never its L
    int[] pns = java.util.Arrays.copyOf(fx.patchNums(), fx.patchNums().length + 1);
    pns[pns.length - 1] = pns[pns.length - 2] + 1;
    ScaleSchedule other = ScaleSchedule.of(pns);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OfficialCheckpoints.open(ckpt("vae_tiny.pth"), ckpt("var_tiny.pth"), other));
    assertEquals(
        ckpt("var_tiny.pth")
            + ": the VAR has L = "
            + fx.schedule().L()
            + " tokens (pos_1LC), the scale schedule "
            + other
            + " has "
            + other.L()
            + ": give the schedule it was trained with",
        e.getMessage());
  }

  @Test
  void aVarOfAnotherVocabularyIsRefused() throws Exception {
    TinyFixture fx = TinyFixture.get();
    StateDict varSd = OfficialCheckpoints.read(ckpt("var_tiny.pth"));
    VqVaeConfig other = fx.vqVaeConfig().toBuilder().vocabSize(2 * fx.V()).build();
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OfficialCheckpoints.inferVar(varSd, other, Path.of("v.pth")));
    assertEquals(
        "v.pth: the VAR predicts " + fx.V() + " codes (head.weight), the VAE has " + 2 * fx.V(),
        e.getMessage());
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> OfficialCheckpoints.inferVae(varSd, fx.schedule(), Path.of("v.pth")));
    assertEquals(
        "v.pth is not a VQ-VAE state dict: it has no 'encoder.conv_in.weight'", e2.getMessage());
  }

  @Test
  void buffersAreCheckedAgainstTheConfiguration() throws Exception {
    TinyFixture fx = TinyFixture.get();
    StateDict sd = OfficialCheckpoints.read(ckpt("var_tiny.pth"));
    VarConfig cfg = OfficialCheckpoints.inferVar(sd, fx.vqVaeConfig(), Path.of("v.pth"));
    OfficialCheckpoints.checkBuffers(cfg, sd, Path.of("v.pth")); // the official buffers pass
    int L = fx.schedule().L();

    HostTensor lvl = sd.get("lvl_1L");
    float[] badLvl = lvl.data().clone();
    badLvl[L - 1] = 0;
    StateDict s1 = copyWith(sd, "lvl_1L", new HostTensor(lvl.shape(), badLvl));
    var e1 =
        assertThrows(
            IllegalArgumentException.class,
            () -> OfficialCheckpoints.checkBuffers(cfg, s1, Path.of("v.pth")));
    assertEquals(
        "v.pth: buffer lvl_1L[0, "
            + (L - 1)
            + "] is 0.0, token "
            + (L - 1)
            + " is on scale "
            + (fx.schedule().K() - 1)
            + " of "
            + fx.schedule(),
        e1.getMessage());

    HostTensor mask = sd.get("attn_bias_for_masking");
    float[] full = new float[L * L]; // all zeros: full attention, not block-causal
    StateDict s2 = copyWith(sd, "attn_bias_for_masking", new HostTensor(mask.shape(), full));
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> OfficialCheckpoints.checkBuffers(cfg, s2, Path.of("v.pth")));
    assertTrue(
        e2.getMessage()
            .startsWith(
                "v.pth: buffer attn_bias_for_masking[0, 0, 0, 1] is 0.0," + " expected -inf"),
        e2.getMessage());

    StateDict vae = OfficialCheckpoints.read(ckpt("vae_tiny.pth"));
    OfficialCheckpoints.checkBuffers(fx.vqVaeConfig(), vae, Path.of("a.pth"));
    HostTensor ema = vae.get("quantize.ema_vocab_hit_SV");
    StateDict s3 =
        copyWith(vae, "quantize.ema_vocab_hit_SV", new HostTensor(new long[] {1, 3}, new float[3]));
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> OfficialCheckpoints.checkBuffers(fx.vqVaeConfig(), s3, Path.of("a.pth")));
    assertEquals(
        "a.pth: buffer quantize.ema_vocab_hit_SV has shape [1, 3], expected (K, " + fx.V() + ")",
        e3.getMessage());
    assertEquals(2, ema.shape().length);
  }

  /**
   * Official file → var4j model directory → export: the exported file holds the official file's
   * tensors, buffers included (lvl_1L as int64, the −∞ mask), so strict loading in PyTorch accepts
   * it.
   */
  @Test
  void exportWritesWhatTheOfficialClassesRegister() throws Exception {
    TinyFixture fx = TinyFixture.get();
    OfficialCheckpoints.Opened o =
        OfficialCheckpoints.open(ckpt("vae_tiny.pth"), ckpt("var_tiny.pth"), fx.schedule());
    Path varDir = tmp.resolve("var"), vaeDir = tmp.resolve("vae");
    io.github.var4j.store.ModelDir.save(
        varDir, io.github.var4j.store.ModelKind.VAR, o.var(), withoutBuffers(o.varWeights()));
    io.github.var4j.store.ModelDir.save(
        vaeDir, io.github.var4j.store.ModelKind.TOKENIZER, o.vae(), withoutBuffers(o.vaeWeights()));
    for (String[] c : new String[][] {{"var", "var_tiny.pth"}, {"vae", "vae_tiny.pth"}}) {
      Path out = tmp.resolve(c[0] + ".safetensors");
      int n = OfficialCheckpoints.export(tmp.resolve(c[0]), out);
      var want =
          io.github.var4j.io.TorchCheckpoint.stateDict(
              io.github.var4j.io.TorchCheckpoint.read(ckpt(c[1])), "");
      var got = io.github.var4j.io.SafeTensors.read(out);
      assertEquals(want.keySet(), got.keySet(), c[1]);
      assertEquals(want.size(), n);
      for (String k : want.keySet()) {
        assertArrayEquals(want.get(k).shape(), got.get(k).shape(), k);
        assertEquals(want.get(k).longs() != null, got.get(k).longs() != null, k + " integer-ness");
        assertArrayEquals(want.get(k).asFloats(), got.get(k).asFloats(), 0f, k);
      }
    }
  }

  private static StateDict withoutBuffers(StateDict sd) {
    StateDict out = new StateDict();
    for (String n : sd.names()) if (!StateDict.isBuffer(n)) out.put(n, sd.get(n));
    return out;
  }

  private static StateDict copyWith(StateDict sd, String name, HostTensor t) {
    StateDict out = new StateDict();
    for (String n : sd.names()) out.put(n, n.equals(name) ? t : sd.get(n));
    return out;
  }

  @Test
  void findPicksTheReleasedFileNames() throws Exception {
    Files.copy(ckpt("vae_tiny.pth"), tmp.resolve(OfficialCheckpoints.VAE_FILE));
    Files.copy(ckpt("var_tiny.pth"), tmp.resolve("var_d20.pth"));
    Files.copy(ckpt("var_tiny.pth"), tmp.resolve("var_d16.pth"));
    Path[] f = OfficialCheckpoints.find(tmp, null);
    assertEquals(tmp.resolve("vae_ch160v4096z32.pth"), f[0]);
    assertEquals(tmp.resolve("var_d16.pth"), f[1], "the smallest depth by default");
    assertEquals(tmp.resolve("var_d20.pth"), OfficialCheckpoints.find(tmp, 20)[1]);
    var e = assertThrows(IOException.class, () -> OfficialCheckpoints.find(tmp, 24));
    assertEquals("no var_d24.pth in " + tmp + "; depths there: [16, 20]", e.getMessage());
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    var e2 = assertThrows(IOException.class, () -> OfficialCheckpoints.find(empty, null));
    assertEquals("no vae_ch160v4096z32.pth in " + empty + " (it holds: )", e2.getMessage());
    var e3 = assertThrows(IOException.class, () -> OfficialCheckpoints.read(tmp.resolve("x.ckpt")));
    assertEquals(
        "not a checkpoint file (expected .pth, .pt, .bin or .safetensors): "
            + tmp.resolve("x.ckpt"),
        e3.getMessage());
  }
}
