package io.github.var4j.sample;

import io.github.var4j.scale.ScaleSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Output of {@link VarSampler} (and of the raster baseline's sampler, one scale of pn² tokens): n
 * images and the token maps and cumulative f_hat of every scale.
 *
 * @param n number of images
 * @param imageSize S, image side in pixels
 * @param channels image channels (1 grey, 3 RGB)
 * @param images (n, S, S, channels) row-major, values in [0, 1] (official {@code (clamp(img) + 1) /
 *     2})
 * @param labels the class label of every image (numClasses = unconditional)
 * @param patchNums the scale schedule: pn_k of the K scales
 * @param tokens per scale (n, pn²) token ids, row-major h·pn+w; with zero-shot editing, forced
 *     positions hold the given image's tokens
 * @param latentSide s = pn_{K-1}
 * @param cvae latent channels
 * @param fHat per scale the cumulative f_hat after that scale, (n, s, s, Cvae) NHWC
 */
public record SampleResult(
    int n,
    int imageSize,
    int channels,
    float[] images,
    int[] labels,
    ScaleSchedule patchNums,
    List<int[]> tokens,
    int latentSide,
    int cvae,
    List<float[]> fHat) {

  public SampleResult {
    tokens = Collections.unmodifiableList(new ArrayList<>(tokens));
    fHat = Collections.unmodifiableList(new ArrayList<>(fHat));
  }

  /** The token map of scale si of image b (pn_si²). */
  public int[] tokens(int si, int b) {
    int t = patchNums.tokens(si);
    int[] out = new int[t];
    System.arraycopy(tokens.get(si), b * t, out, 0, t);
    return out;
  }

  /** The cumulative f_hat after scale si of image b (s, s, Cvae). */
  public float[] fHat(int si, int b) {
    int per = latentSide * latentSide * cvae;
    float[] out = new float[per];
    System.arraycopy(fHat.get(si), b * per, out, 0, per);
    return out;
  }

  /** The first m images of this result (their labels, tokens and f_hat). */
  public SampleResult first(int m) {
    if (m < 0 || m > n) throw new IllegalArgumentException("m must be in [0, " + n + "], got " + m);
    List<int[]> tok = new ArrayList<>();
    List<float[]> fh = new ArrayList<>();
    int per = latentSide * latentSide * cvae;
    for (int si = 0; si < tokens.size(); si++) {
      tok.add(Arrays.copyOf(tokens.get(si), m * patchNums.tokens(si)));
      fh.add(Arrays.copyOf(fHat.get(si), m * per));
    }
    float[] img = Arrays.copyOf(images, m * imageSize * imageSize * channels);
    return new SampleResult(
        m,
        imageSize,
        channels,
        img,
        Arrays.copyOf(labels, m),
        patchNums,
        tok,
        latentSide,
        cvae,
        fh);
  }

  /** Concatenates results along the batch (same model). */
  public static SampleResult concat(List<SampleResult> parts) {
    if (parts.isEmpty()) throw new IllegalArgumentException("nothing to concatenate");
    if (parts.size() == 1) return parts.get(0);
    SampleResult f = parts.get(0);
    int n = 0;
    for (SampleResult p : parts) n += p.n;
    float[] img = new float[n * f.imageSize * f.imageSize * f.channels];
    int[] labels = new int[n];
    List<int[]> tok = new ArrayList<>();
    List<float[]> fh = new ArrayList<>();
    int K = f.patchNums.K();
    for (int si = 0; si < K; si++) {
      tok.add(new int[n * f.patchNums.tokens(si)]);
      fh.add(new float[n * f.latentSide * f.latentSide * f.cvae]);
    }
    int b0 = 0;
    for (SampleResult p : parts) {
      int perImg = f.imageSize * f.imageSize * f.channels;
      System.arraycopy(p.images, 0, img, b0 * perImg, p.n * perImg);
      System.arraycopy(p.labels, 0, labels, b0, p.n);
      for (int si = 0; si < K; si++) {
        int t = f.patchNums.tokens(si), per = f.latentSide * f.latentSide * f.cvae;
        System.arraycopy(p.tokens.get(si), 0, tok.get(si), b0 * t, p.n * t);
        System.arraycopy(p.fHat.get(si), 0, fh.get(si), b0 * per, p.n * per);
      }
      b0 += p.n;
    }
    return new SampleResult(
        n, f.imageSize, f.channels, img, labels, f.patchNums, tok, f.latentSide, f.cvae, fh);
  }
}
