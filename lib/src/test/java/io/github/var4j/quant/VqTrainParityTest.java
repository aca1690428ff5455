package io.github.var4j.quant;

import static io.github.var4j.quant.QuantTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * vq_train/: VectorQuantizer2.forward of the tiny VQVAE quantizer (params/vae, f = vae/f_BChw) with
 * loss = vq_loss + sum(f_hat_st * R): the loss, the straight-through output and the gradients
 * w.r.t. f and every quantize.* parameter.
 */
class VqTrainParityTest {
  /** vae/f_BChw: (B, Cvae, pn_last, pn_last). */
  private static final long[] F_SHAPE = Fixtures.shape("vae/f_BChw.npy");

  private static final int B = (int) F_SHAPE[0], C = (int) F_SHAPE[1], H = (int) F_SHAPE[2];

  @Test
  void lossOutputAndGradientsMatchOfficial() {
    QuantizerConfig cfg = TinyFixture.get().quantizerConfig();
    float[] f = Fixtures.nchwToNhwc(Fixtures.npy("vae/f_BChw.npy"));
    float[] r = Fixtures.nchwToNhwc(Fixtures.npy("vq_train/R.npy"));

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      MultiScaleQuantizer q = new MultiScaleQuantizer(ps, "quantize.", cfg);
      Placeholder<TFloat32> fIn = mapPlaceholder(tf, H, C);
      MultiScaleQuantizer.TrainOut t = q.forwardTrain(fIn);
      Operand<TFloat32> rC = tf.constant(Shape.of(B, H, H, C), DataBuffers.of(r, true, false));
      Operand<TFloat32> loss =
          tf.math.add(
              t.vqLoss(), tf.sum(tf.math.mul(t.fHatST(), rC), tf.constant(new int[] {0, 1, 2, 3})));
      List<Param> params = ps.trainable();
      assertEquals(
          Fixtures.files("vq_train/grad/").size(),
          params.size(),
          "one vq_train/grad fixture per quantizer parameter (embedding + weight and bias of every Phi)");
      Output<?>[] xs = new Output<?>[params.size() + 1];
      xs[0] = fIn.asOutput();
      for (int i = 0; i < params.size(); i++) xs[i + 1] = params.get(i).handle().asOutput();
      Output<?>[] grads = g.addGradients(loss.asOutput(), xs);
      MultiScaleQuantizer.Encoded enc = q.encode(fIn);

      try (Session s = Sessions.create(g)) {
        ps.loadSubset(s, Fixtures.stateDict("params/vae"), p -> true);
        Run run = new Run(s).feed(fIn, f, B, H, H, C).fetch(t.vqLoss()).fetch(t.fHatST());
        for (Output<?> gr : grads) run.fetch(gr);
        run.fetchAll(t.idxBL()).fetch(enc.fHat().get(cfg.patchNums().K() - 1));
        List<Object> out = run.run();

        double dl = Fixtures.assertMatches("vq_train/vq_loss.npy", (float[]) out.get(0));
        float[] fHatST = (float[]) out.get(1);
        double dst = Fixtures.assertMatches("vq_train/f_hat_st.npy", nchw(fHatST));
        double dgf = Fixtures.assertMatches("vq_train/grad_f.npy", nchw((float[]) out.get(2)));
        double dgp = 0;
        for (int i = 0; i < params.size(); i++) {
          Param p = params.get(i);
          float[] torch = p.layout().toTorch((float[]) out.get(3 + i), p.torchShape());
          dgp = Math.max(dgp, Fixtures.assertMatches("vq_train/grad/" + p.name() + ".npy", torch));
        }
        // the training forward picks the same tokens as encode, and f_hat_st is numerically
        // f_hat_last: f_hat_st = (sg(f_hat) - sg(f)) + f rounds twice in float32, so it lies within
        // u·(|f_hat - f| + |f_hat|) of f_hat (u = 2^-24; 2u here), whatever the latents' size
        int base = 3 + params.size();
        for (int si = 0; si < cfg.patchNums().K(); si++) {
          Fixtures.assertExact(
              Fixtures.ints("vae/idx_s" + si + ".npy"),
              (int[]) out.get(base + si),
              "train idx_s" + si);
        }
        float[] fHatLast = (float[]) out.get(base + cfg.patchNums().K());
        for (int i = 0; i < fHatLast.length; i++) {
          double a = fHatLast[i],
              tol = 0x1p-23 * (Math.abs(a - f[i]) + Math.abs(a)) + Double.MIN_VALUE;
          assertEquals(a, fHatST[i], tol, "f_hat_st vs encode f_hat_last at " + i);
        }
        System.out.printf(
            "vq_train: |dloss| %.3e (loss %s); max|diff| f_hat_st %.3e grad_f %.3e param grads %.3e%n",
            dl, ((float[]) out.get(0))[0], dst, dgf, dgp);
      }
    }
  }

  private static float[] nchw(float[] nhwc) {
    return Fixtures.nhwcToNchw(nhwc, B, H, H, C);
  }
}
