package io.github.var4j.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class VqVaeTest {
  static final VqVaeConfig TINY = TinyFixture.get().vqVaeConfig();

  /**
   * name -> torch shape of the released VAE's entries of kind "param" (var-real-state-dict.json).
   */
  static Map<String, List<Long>> releasedVaeParams() throws IOException {
    Path json = Fixtures.dir().getParent().resolve("var-real-state-dict.json");
    String text = Files.readString(json);
    int from = text.indexOf("\"vae_ch160v4096z32\"");
    int to = text.indexOf("\"var_d16\"");
    assertTrue(from >= 0 && to > from, "unexpected layout of " + json);
    Matcher m =
        Pattern.compile(
                "\"name\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"shape\"\\s*:\\s*\\[([^\\]]*)]\\s*,"
                    + "\\s*\"dtype\"\\s*:\\s*\"[^\"]+\"\\s*,\\s*\"kind\"\\s*:\\s*\"([^\"]+)\"")
            .matcher(text.substring(from, to));
    Map<String, List<Long>> params = new TreeMap<>();
    int entries = 0;
    while (m.find()) {
      entries++;
      if (!m.group(3).equals("param")) {
        assertEquals(
            "quantize.ema_vocab_hit_SV", m.group(1), "the only buffer of the released VAE");
        continue;
      }
      params.put(
          m.group(1),
          Arrays.stream(m.group(2).split(",")).map(String::trim).map(Long::parseLong).toList());
    }
    assertEquals(324, entries, "entries of the released vae_ch160v4096z32.pth");
    return params;
  }

  @Test
  void officialConfigRegistersExactlyTheReleasedParameters() throws IOException {
    Map<String, List<Long>> released = releasedVaeParams();
    assertEquals(323, released.size());
    try (Graph g = new Graph()) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new VqVae(ps, VqVaeConfig.official()); // graph only: no session, no 108M-float initialisation
      Map<String, List<Long>> ours = new TreeMap<>();
      for (Param p : ps.all()) ours.put(p.name(), Arrays.stream(p.torchShape()).boxed().toList());
      List<String> missing = new ArrayList<>(released.keySet());
      missing.removeAll(ours.keySet());
      List<String> extra = new ArrayList<>(ours.keySet());
      extra.removeAll(released.keySet());
      assertEquals(List.of(), missing, "released parameters the model lacks");
      assertEquals(List.of(), extra, "model parameters the release lacks");
      assertEquals(released, ours);
      assertEquals(108_948_355L, ps.numTrainable(), "the released VAE: 108,948,355 parameters");
    }
  }

  @Test
  void tinyConfigRegistersExactlyTheFixtureParameters() {
    StateDict sd = Fixtures.stateDict("params/vae");
    try (Graph g = new Graph()) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new VqVae(ps, TINY);
      Map<String, List<Long>> ours = new TreeMap<>();
      for (Param p : ps.all()) ours.put(p.name(), Arrays.stream(p.torchShape()).boxed().toList());
      Map<String, List<Long>> fixture = new TreeMap<>();
      for (String n : sd.names()) {
        if (!StateDict.isBuffer(n))
          fixture.put(n, Arrays.stream(sd.get(n).shape()).boxed().toList());
      }
      long manifestParams =
          Fixtures.files("params/vae/").stream()
              .filter(f -> "param".equals(Fixtures.parsedManifest().entry(f).path("kind").asText()))
              .count();
      assertEquals(
          manifestParams, fixture.size(), "params/vae entries of kind 'param' in the manifest");
      assertEquals(fixture, ours);
    }
  }

  /** The tiny VAE with the fixture weights (strict load) and an image placeholder. */
  static final class Built implements AutoCloseable {
    final Graph g = new Graph();
    final Ops tf = Ops.create(g);
    final ParamStore ps = new ParamStore(tf);
    final VqVae vae = new VqVae(ps, TINY);
    final Placeholder<TFloat32> img =
        tf.placeholder(
            TFloat32.class,
            Placeholder.shape(Shape.of(-1, TINY.imageSize(), TINY.imageSize(), TINY.inChannels())));
    final Session s = Sessions.create(g);

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  @Test
  void trainForwardMatchesTheOfficialDecodeAndVqLoss() {
    try (Built b = new Built()) {
      VqVae.TrainForward out = b.vae.forwardTrain(b.img);
      assertArrayEquals(
          new long[] {-1, TINY.imageSize(), TINY.imageSize(), TINY.inChannels()},
          out.reconBHWC().shape().asArray());
      assertEquals(0, out.vqLoss().shape().numDimensions());
      b.ps.load(b.s, Fixtures.stateDict("params/vae"));
      float[] x = Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy"));
      Session.Runner r = b.s.runner();
      try (TFloat32 xt = Tensors.of(x, EncoderDecoderTest.nhwcShape("vae/img_B3HW.npy"))) {
        r.feed(b.img, xt).fetch(out.reconBHWC()).fetch(out.vqLoss()).fetch(out.fBHWC());
        out.idxBL().forEach(r::fetch);
        try (Result res = r.run()) {
          // forward value of the straight-through fHat is fHat: recon =
          // decoder(post_quant_conv(fHat_last))
          String file = "vae/dec_unclamped_B3HW.npy";
          double d =
              Fixtures.assertClose(
                  Fixtures.nchwToNhwc(Fixtures.npy(file)),
                  Tensors.floats(res.get(0)),
                  Fixtures.tol(file),
                  "forwardTrain recon vs " + file);
          System.out.printf("forwardTrain recon: max |diff| %.3g%n", d);
          // vq loss = (1/K) sum_si (beta + 1) * mean((fHat_si - f)^2), from the stored f and
          // cumulative fHats
          int K = TINY.patchNums().K();
          float[] f = Fixtures.floats("vae/f_BChw.npy");
          double expected = 0;
          for (int si = 0; si < K; si++) {
            float[] fh = Fixtures.floats("vae/fhat_s" + si + ".npy");
            double mse = 0;
            for (int i = 0; i < f.length; i++)
              mse += (fh[i] - (double) f[i]) * (fh[i] - (double) f[i]);
            expected += (TINY.beta() + 1) * mse / f.length;
          }
          expected /= K;
          float got = Tensors.floats(res.get(1))[0];
          System.out.printf("vq loss %.7g, expected %.7g%n", got, expected);
          assertEquals(expected, got, 1e-4 * expected);
          // the training forward's tokens, scale by scale, are the official targets gt_BL (B, L)
          int[] gt = Fixtures.ints("vae/gt_BL.npy");
          long[] gtShape = Fixtures.shape("vae/gt_BL.npy");
          int nb = (int) gtShape[0], L = (int) gtShape[1];
          int[][] be = TinyFixture.get().beginEnds();
          for (int si = 0; si < K; si++) {
            int[] idx = Tensors.ints(res.get(3 + si));
            int t = be[si][1] - be[si][0];
            assertEquals(nb * t, idx.length, "scale " + si + " token count");
            for (int bi = 0; bi < nb; bi++) {
              for (int j = 0; j < t; j++)
                assertEquals(gt[bi * L + be[si][0] + j], idx[bi * t + j], "scale " + si);
            }
          }
        }
      }
    }
  }

  @Test
  void everyParameterReceivesAGradientFromTheTrainingLoss() {
    try (Built b = new Built()) {
      VqVae.TrainForward out = b.vae.forwardTrain(b.img);
      Ops tf = b.tf;
      Operand<TFloat32> rec =
          tf.math.mean(
              tf.math.squaredDifference(out.reconBHWC(), b.img),
              tf.constant(new int[] {0, 1, 2, 3}));
      Operand<TFloat32> loss = tf.math.add(rec, out.vqLoss());
      List<Param> params = b.ps.trainable();
      Output<?>[] xs = params.stream().map(p -> p.value().asOutput()).toArray(Output[]::new);
      Output<?>[] grads = b.g.addGradients(loss.asOutput(), xs);
      b.ps.load(b.s, Fixtures.stateDict("params/vae"));
      float[] x = Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy"));
      Session.Runner r = b.s.runner();
      try (TFloat32 xt = Tensors.of(x, EncoderDecoderTest.nhwcShape("vae/img_B3HW.npy"))) {
        r.feed(b.img, xt);
        for (Output<?> gr : grads) r.fetch(gr);
        try (Result res = r.run()) {
          for (int i = 0; i < params.size(); i++) {
            float[] gv = Tensors.floats(res.get(i));
            double norm = 0;
            for (float v : gv) {
              assertTrue(Float.isFinite(v), params.get(i).name());
              norm += v * (double) v;
            }
            assertTrue(norm > 0, "zero gradient for " + params.get(i).name());
          }
        }
      }
    }
  }

  @Test
  void loadingNamesTheMissingWeightAndTheWrongShape() {
    StateDict full = Fixtures.stateDict("params/vae");
    try (Built b = new Built()) {
      // the decoder's attention sits in its lowest-resolution up block (official Decoder)
      String attn = "decoder.up." + (TINY.numLevels() - 1) + ".attn.0.qkv.weight";
      assertTrue(full.contains(attn), attn + " in params/vae");
      StateDict missing = new StateDict();
      full.names().stream().filter(n -> !n.equals(attn)).forEach(n -> missing.put(n, full.get(n)));
      var e1 = assertThrows(IllegalArgumentException.class, () -> b.ps.load(b.s, missing));
      assertEquals("missing weight '" + attn + "' in state dict", e1.getMessage());

      // conv_in with one input channel too many: (ch, C + 1, 3, 3)
      long[] good = full.get("encoder.conv_in.weight").shape(), bad = good.clone();
      bad[1]++;
      StateDict wrong = new StateDict();
      full.names().forEach(n -> wrong.put(n, full.get(n)));
      wrong.put(
          "encoder.conv_in.weight",
          new HostTensor(bad, new float[(int) (bad[0] * bad[1] * bad[2] * bad[3])]));
      var e2 = assertThrows(IllegalArgumentException.class, () -> b.ps.load(b.s, wrong));
      assertEquals(
          "shape mismatch for 'encoder.conv_in.weight': model expects "
              + Arrays.toString(good)
              + ", state dict has "
              + Arrays.toString(bad),
          e2.getMessage());

      StateDict extra = new StateDict();
      full.names().forEach(n -> extra.put(n, full.get(n)));
      extra.put("encoder.conv_in.extra.weight", new HostTensor(new long[] {2, 3}, new float[6]));
      var e3 = assertThrows(IllegalArgumentException.class, () -> b.ps.load(b.s, extra));
      assertTrue(
          e3.getMessage().startsWith("unexpected weight 'encoder.conv_in.extra.weight'"),
          e3.getMessage());
    }
  }

  @Test
  void imageAndLatentShapesAreChecked() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VqVae vae = new VqVae(new ParamStore(tf), VqVaeConfig.fashionMnistDefault());
      var p28 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      assertEquals(
          "image size 28x28 does not match the VAE's 32x32",
          assertThrows(IllegalArgumentException.class, () -> vae.encodeF(p28)).getMessage());
      var rgb = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 32, 3)));
      assertEquals(
          "image has 3 channels but the VAE expects 1",
          assertThrows(IllegalArgumentException.class, () -> vae.encodeF(rgb)).getMessage());
      var flat = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1024)));
      assertEquals(
          "image must have shape (B, H, W, C), got [-1, 1024]",
          assertThrows(IllegalArgumentException.class, () -> vae.encodeF(flat)).getMessage());
      var badLatent = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4, 4, 16)));
      assertEquals(
          "fHat must have shape (B, 8, 8, 16), got [-1, 4, 4, 16]",
          assertThrows(IllegalArgumentException.class, () -> vae.decode(badLatent)).getMessage());
      var ok = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 32, 1)));
      assertArrayEquals(new long[] {-1, 8, 8, 16}, vae.encodeF(ok).shape().asArray());
      assertArrayEquals(new long[] {-1, 32, 32, 1}, vae.decode(vae.encodeF(ok)).shape().asArray());
    }
  }
}
