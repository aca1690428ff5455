package io.github.var4j.vae;

import io.github.var4j.quant.MultiScaleQuantizer;
import io.github.var4j.scale.ScaleSchedule;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The inference ops of a {@link Tokenizer}: the feeds and fetches that the VQ-VAE's encode,
 * quantise, f̂-from-tokens and decode paths need, built once into a graph with batch dimension -1
 * (n below). Placeholders are named {@code <prefix>tokenizer.img}, {@code tokenizer.idx<k>} and
 * {@code tokenizer.fhat}.
 *
 * <p>Shapes (NHWC, row-major h*pn+w inside a scale): images (n, S, S, Cin); latents (n, s, s,
 * Cvae); tokens K x (n, pn_k²).
 */
final class TokenizerGraph {
  /** Images in [-1, 1], (n, S, S, Cin). */
  final Placeholder<TFloat32> imgIn;

  /** The continuous latent f = quant_conv(encoder(img)), (n, s, s, Cvae). */
  final Operand<TFloat32> fOut;

  /** The tokens of every scale, K x (n, pn_k²). */
  final List<Operand<TInt32>> encIdx;

  /** The quantised latent f̂ after the last scale, (n, s, s, Cvae). */
  final Operand<TFloat32> encFHatLast;

  /** Tokens fed per scale, K x (n, pn_k²). */
  final List<Placeholder<TInt32>> idxIn;

  /** The cumulative f̂ after scales 0..k from the fed tokens, K x (n, s, s, Cvae). */
  final List<Operand<TFloat32>> fHatFromIdx;

  /** VAR's teacher-forcing input from the fed tokens, (n, L - pn_0², Cvae); null when K = 1. */
  final Operand<TFloat32> varInputOut;

  /** A latent f̂ to decode, (n, s, s, Cvae). */
  final Placeholder<TFloat32> fHatIn;

  /** The clamped image decoded from {@link #fHatIn}, (n, S, S, Cin). */
  final Operand<TFloat32> imgOut;

  /** The codebook E, (V, Cvae). */
  final Operand<TFloat32> codebookOut;

  /** Builds the inference ops of {@code vae} into the graph of {@code tf}. */
  TokenizerGraph(Ops tf, String prefix, VqVae vae) {
    VqVaeConfig cfg = vae.config();
    ScaleSchedule pn = cfg.patchNums();
    int S = cfg.imageSize(), s = cfg.latentSide(), cv = cfg.zChannels();
    MultiScaleQuantizer q = vae.quantizer();

    imgIn =
        tf.withName(prefix + "tokenizer.img")
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, S, S, cfg.inChannels())));
    fOut = vae.encodeF(imgIn);
    MultiScaleQuantizer.Encoded enc = q.encode(fOut);
    encIdx = List.copyOf(enc.idxBL());
    encFHatLast = enc.fHat().get(enc.fHat().size() - 1);

    List<Placeholder<TInt32>> idx = new ArrayList<>();
    for (int k = 0; k < pn.K(); k++) {
      idx.add(
          tf.withName(prefix + "tokenizer.idx" + k)
              .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, pn.tokens(k)))));
    }
    idxIn = List.copyOf(idx);
    List<Operand<TInt32>> idxOps = new ArrayList<>(idxIn);
    fHatFromIdx = List.copyOf(q.fHatFromIdx(idxOps));
    varInputOut = pn.K() >= 2 ? q.varInput(idxOps) : null; // a single scale has no next scale

    fHatIn =
        tf.withName(prefix + "tokenizer.fhat")
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, cv)));
    imgOut = vae.clamp(vae.decode(fHatIn));
    codebookOut = q.codebook();
  }
}
