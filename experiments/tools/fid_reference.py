#!/usr/bin/python3
"""Reference values for var4j's sample-quality metrics (io.github.var4j.eval), from NumPy/SciPy.

What it does: reads the two committed feature sets lib/src/test/resources/eval/fid_a.npy and
fid_b.npy (300 x 16 float32 each) and prints
  * the FID between them, computed exactly like pytorch-fid's calculate_frechet_distance
    (mean, np.cov with N - 1, scipy.linalg.sqrtm of sigma1 @ sigma2, the same eps fallback and
    imaginary-part check), with the features converted to float64 first (var4j's FeatureStats
    works in float64; pytorch-fid takes the mean of float32 activations in float32, printed too);
  * the improved precision and recall (Kynkaenniemi et al. 2019, k = 3) between them, computed
    like NVlabs' improved-precision-and-recall-metric (brute-force distances, radius = distance
    to the k-th nearest neighbour in the own set counting the sample itself at distance 0,
    a sample is inside a ball when its distance is <= the radius).
The Java tests (FidTest, PrecisionRecallTest) hold these values.

  /usr/bin/python3 experiments/tools/fid_reference.py             # print the reference values
  /usr/bin/python3 experiments/tools/fid_reference.py --generate  # (re)write the two .npy files first

Needs Debian's python3-numpy and python3-scipy (apt-get install -y python3-scipy python3-numpy);
measured with numpy 1.24.2, scipy 1.10.1.
"""
import os
import sys

import numpy as np
from scipy import linalg

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.normpath(os.path.join(HERE, "..", "..", "lib", "src", "test", "resources", "eval"))
A, B = os.path.join(RES, "fid_a.npy"), os.path.join(RES, "fid_b.npy")
N, D, K = 300, 16, 3


def generate():
    """Two correlated Gaussians with different means and non-commuting covariances (fixed seeds)."""
    os.makedirs(RES, exist_ok=True)
    for path, seed, shift in ((A, 1, 0.0), (B, 2, 0.2)):
        rng = np.random.default_rng(seed)
        mix = rng.standard_normal((D, D)) / np.sqrt(D)  # covariance mix.T @ mix, random orientation
        mean = shift + rng.standard_normal(D) * 0.1
        x = rng.standard_normal((N, D)) @ mix + mean
        np.save(path, x.astype(np.float32))


def calculate_frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid 0.3.0, src/pytorch_fid/fid_score.py, unchanged apart from the messages."""
    mu1, mu2 = np.atleast_1d(mu1), np.atleast_1d(mu2)
    sigma1, sigma2 = np.atleast_2d(sigma1), np.atleast_2d(sigma2)
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        print("fid calculation produces singular product; adding %s to diagonal of cov estimates" % eps)
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError("Imaginary component {}".format(np.max(np.abs(covmean.imag))))
        covmean = covmean.real
    tr_covmean = np.trace(covmean)
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * tr_covmean


def radii(x, k):
    d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    return np.partition(d2, kth=k, axis=1)[:, k]  # column 0 of the sorted row is the sample itself


def precision_recall(real, fake, k):
    rr, rf = radii(real, k), radii(fake, k)
    cross = ((fake[:, None, :] - real[None, :, :]) ** 2).sum(-1)  # (n_fake, n_real)
    precision = (cross <= rr[None, :]).any(axis=1).mean()
    recall = (cross <= rf[:, None]).any(axis=0).mean()
    return precision, recall


def main():
    if "--generate" in sys.argv[1:]:
        generate()
    a32, b32 = np.load(A), np.load(B)
    a, b = a32.astype(np.float64), b32.astype(np.float64)
    fid = calculate_frechet_distance(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    fid32 = calculate_frechet_distance(
        np.mean(a32, axis=0), np.cov(a32, rowvar=False), np.mean(b32, axis=0), np.cov(b32, rowvar=False))
    p, r = precision_recall(a, b, K)
    print("features  %s %s %s, %s %s %s" % (os.path.relpath(A), a32.shape, a32.dtype, os.path.relpath(B), b32.shape, b32.dtype))
    print("fid       %r  (float64 mean and covariance, sqrtm as in pytorch-fid)" % float(fid))
    print("fid_pt    %r  (pytorch-fid verbatim: float32 mean)" % float(fid32))
    print("fid_aa    %r  (a against itself)" % float(calculate_frechet_distance(a.mean(0), np.cov(a, rowvar=False), a.mean(0), np.cov(a, rowvar=False))))
    print("precision %r  recall %r  (real = a, generated = b, k = %d)" % (float(p), float(r), K))


if __name__ == "__main__":
    main()
