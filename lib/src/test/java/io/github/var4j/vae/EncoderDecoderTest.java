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
 * Parity of the encoder, quant_conv, post_quant_conv and decoder (built from the blocks, without the quantizer) with
 * the official tiny VQ-VAE fixtures (params/vae, vae/).
 */
class EncoderDecoderTest {
  static final VqVaeConfig CFG = TinyFixture.get().vqVaeConfig();
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
    Conv2d quantConv = new Conv2d(ps, "quant_conv", 8, 8, 3);
    Conv2d postQuantConv = new Conv2d(ps, "post_quant_conv", 8, 8, 3);
    img = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8, 8, 3)));
    fHat = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4, 4, 8)));
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

  private static float[] run(Placeholder<TFloat32> in, float[] x, long[] shape, Operand<TFloat32> out) {
    try (TFloat32 t = Tensors.of(x, shape); Result r = s.runner().feed(in, t).fetch(out).run()) {
      assertEquals(out.shape().numDimensions(), r.get(0).shape().numDimensions());
      return Tensors.floats(r.get(0));
    }
  }

  /** Compares an NHWC result with an NCHW fixture at the manifest tolerance; prints the max |diff|. */
  static double check(String file, float[] actualNhwc) {
    double d = Fixtures.assertClose(Fixtures.nchwToNhwc(Fixtures.npy(file)), actualNhwc, Fixtures.tol(file), file);
    System.out.printf("%s: max |diff| %.3g (tol %s)%n", file, d, Fixtures.tol(file));
    return d;
  }

  @Test
  void encoderAndQuantConvMatchOfficial() {
    float[] x = Fixtures.nchwToNhwc(Fixtures.npy("vae/img_B3HW.npy"));
    check("vae/enc_out_BChw.npy", run(img, x, new long[] {2, 8, 8, 3}, encOut));
    check("vae/f_BChw.npy", run(img, x, new long[] {2, 8, 8, 3}, f));
  }

  @Test
  void postQuantConvAndDecoderMatchOfficial() {
    float[] fh = Fixtures.nchwToNhwc(Fixtures.npy("vae/fhat_s3.npy"));
    check("vae/post_quant_conv_out.npy", run(fHat, fh, new long[] {2, 4, 4, 8}, pqc));
    check("vae/dec_unclamped_B3HW.npy", run(fHat, fh, new long[] {2, 4, 4, 8}, dec));
  }

  @Test
  void decoderOutputShapeIsTheImage() {
    assertArrayEquals(new long[] {-1, 8, 8, 3}, dec.shape().asArray());
    assertArrayEquals(new long[] {-1, 4, 4, 8}, f.shape().asArray());
  }

  @Test
  void nearest2xCopiesEachPixelToA2x2Block() {
    float[] x = new float[4 * 4 * 8];
    for (int i = 0; i < x.length; i++) x[i] = i * 0.37f - 5f;
    float[] y = run(fHat, x, new long[] {1, 4, 4, 8}, up);
    assertEquals(8 * 8 * 8, y.length);
    for (int yy = 0; yy < 8; yy++)
      for (int xx = 0; xx < 8; xx++)
        for (int c = 0; c < 8; c++)
          assertEquals(x[((yy / 2) * 4 + xx / 2) * 8 + c], y[(yy * 8 + xx) * 8 + c], 0f);
  }
}
