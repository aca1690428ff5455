package io.github.var4j.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Parity of the encoder, quant_conv, post_quant_conv and decoder (built from the blocks, without
 * the quantizer) with the official tiny VQ-VAE fixtures (params/vae, vae/).
 */
class EncoderDecoderTest {
  static final VqVaeConfig CFG = TinyFixture.get().vqVaeConfig();

  /** Image side, image channels, latent side and latent channels Cvae of the tiny VQ-VAE. */
  static final int PX = CFG.imageSize(),
      CH = CFG.inChannels(),
      SIDE = CFG.latentSide(),
      CV = CFG.zChannels();

  static Graph g;
  static Session s;
  static Placeholder<TFloat32> img;
  static Placeholder<TFloat32> fHat;
  static Operand<TFloat32> encOut, f, pqc, dec, up;

  @BeforeAll
  static void build() {
    g = new Graph();
    Ops tf = Ops.create(g);
    ParamStore ps = new ParamStore(tf);
    Encoder enc = new Encoder(ps, "encoder", CFG);
    Decoder decoder = new Decoder(ps, "decoder", CFG);
    int ks = TinyFixture.get().quantConvKs();
    Conv2d quantConv = new Conv2d(ps, "quant_conv", CV, CV, ks);
    Conv2d postQuantConv = new Conv2d(ps, "post_quant_conv", CV, CV, ks);
    img = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, PX, PX, CH)));
    fHat = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, SIDE, SIDE, CV)));
    encOut = enc.apply(img);
    f = quantConv.apply(encOut);
    pqc = postQuantConv.apply(fHat);
    dec = decoder.apply(pqc);
    up = Upsample.nearest2x(tf, fHat);
    s = Sessions.create(g);
    StateDict sd = Fixtures.stateDict("params/vae");
    ps.loadSubset(s, sd, p -> true); // every encoder/decoder/conv param must be in the fixture
  }

  @AfterAll
  static void close() {
    s.close();
    g.close();
  }

  /** (B, C, H, W) of an NCHW fixture file as the NHWC shape (B, H, W, C). */
  static long[] nhwcShape(String file) {
    long[] s = Fixtures.shape(file);
    return new long[] {s[0], s[2], s[3], s[1]};
  }

  private static float[] run(
      Placeholder<TFloat32> in, float[] x, long[] shape, Operand<TFloat32> out) {
    try (TFloat32 t = Tensors.of(x, shape);
        Result r = s.runner().feed(in, t).fetch(out).run()) {
      assertEquals(out.shape().numDimensions(), r.get(0).shape().numDimensions());
      return Tensors.floats(r.get(0));
    }
  }

  /**
   * Compares an NHWC result with an NCHW fixture at the manifest tolerance; prints the max |diff|.
   */
  static double check(String file, float[] actualNhwc) {
    double d =
        Fixtures.assertClose(
            Fixtures.nchwToNhwc(Fixtures.npy(file)), actualNhwc, Fixtures.tol(file), file);
    System.out.printf("%s: max |diff| %.3g (tol %s)%n", file, d, Fixtures.tol(file));
    return d;
  }

  @Test
  void encoderAndQuantConvMatchOfficial() {
    float[] x = Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy"));
    check("vae/enc_out_BChw.npy", run(img, x, nhwcShape("vae/img_B3HW.npy"), encOut));
    check("vae/f_BChw.npy", run(img, x, nhwcShape("vae/img_B3HW.npy"), f));
  }

  @Test
  void postQuantConvAndDecoderMatchOfficial() {
    String last = "vae/fhat_s" + (CFG.patchNums().K() - 1) + ".npy"; // f_hat after the last scale
    float[] fh = Fixtures.nchwToNhwc(Fixtures.npy(last));
    check("vae/post_quant_conv_out.npy", run(fHat, fh, nhwcShape(last), pqc));
    check("vae/dec_unclamped_B3HW.npy", run(fHat, fh, nhwcShape(last), dec));
  }

  @Test
  void decoderOutputShapeIsTheImage() {
    assertArrayEquals(new long[] {-1, PX, PX, CH}, dec.shape().asArray());
    assertArrayEquals(new long[] {-1, SIDE, SIDE, CV}, f.shape().asArray());
  }

  @Test
  void nearest2xCopiesEachPixelToA2x2Block() {
    float[] x = new float[SIDE * SIDE * CV];
    for (int i = 0; i < x.length; i++) x[i] = i * 0.37f - 5f;
    float[] y = run(fHat, x, new long[] {1, SIDE, SIDE, CV}, up);
    int s2 = 2 * SIDE;
    assertEquals(s2 * s2 * CV, y.length);
    for (int yy = 0; yy < s2; yy++)
      for (int xx = 0; xx < s2; xx++)
        for (int c = 0; c < CV; c++)
          assertEquals(x[((yy / 2) * SIDE + xx / 2) * CV + c], y[(yy * s2 + xx) * CV + c], 0f);
  }
}
