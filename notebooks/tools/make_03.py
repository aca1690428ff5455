#!/usr/bin/python3
"""Generates notebooks/03-sample.ipynb (class-conditional sampling with the trained VAR on Fashion-MNIST).

Usage (from the repository root or anywhere):  /usr/bin/python3 notebooks/tools/make_03.py
Needs Debian's nbformat (/usr/bin/python3; pyenv's python3 has no Jupyter). Writes the notebook WITHOUT outputs;
outputs come from executing it: bash scripts/run-notebooks.sh --inplace notebooks/03-sample.ipynb

Cells are plain Java (JShell): imports in their own cell, display(...) calls inside { } blocks so that the same
source also runs under IJava/JJava-style kernels. All logic lives in the library (io.github.var4j.*).
"""
from nbgen import code, md, write

# Measured wall times (scripts/run-notebooks.sh summary line); update after a re-measurement and regenerate.
RUNTIME = (
    "**Runtime** (2-core CPU shared with other jobs): 30-40 s with the trained models in `../models` "
    "(100 class samples, a 5-step CFG sweep over the 10 classes, a 6-row top-k/top-p grid). Quick mode "
    "(`VAR4J_QUICK=1`, CI; fewer samples and settings): 25 s with the trained models, 45-55 s with random ones."
)


md(f"""
# 03 · Sampling from VAR: classes, guidance, top-k/top-p, coarse to fine

{RUNTIME}

VAR generates an image as a **pyramid of token maps** $r_1, \\dots, r_K$ (here 1×1, 2×2, 3×3, 4×4, 5×5, 6×6, 8×8:
$K = 7$ scales, 155 tokens), **one whole scale per step**: the transformer sees the class and all coarser maps and
predicts every token of the next map in parallel. After each step the tokenizer's quantizer adds the new map to the
latent $\\hat f$; after the last one the VQ-VAE decoder turns $\\hat f$ into the picture (notebook 01 shows the
tokenizer, notebook 02 the training of the transformer).

Sampling knobs (official `autoregressive_infer_cfg`):

* **Classifier-free guidance (cfg)**: every image is run twice, with its class and with the *null* class (training
  replaced 10% of the labels by it), and the logits are mixed as $(1+t)\\,\\ell_{{cond}} - t\\,\\ell_{{uncond}}$ with
  $t = \\mathrm{{cfg}} \\cdot \\frac{{k}}{{K-1}}$: no guidance at the first scale, full guidance at the last. cfg = 0 is
  plain conditional sampling; larger values push the samples towards what is typical for the class.
* **top-k / top-p**: before sampling, keep only the $k$ most likely codes, or the smallest set of codes holding
  probability $p$ (nucleus sampling). Smaller values = safer, less varied samples.
* **seed**: the random draws use TensorFlow's stateless ops seeded with (seed, batch chunk), so the same seed, labels
  and batch size give the same images.

**Models.** The tokenizer in `../models/fmnist-tokenizer` (or `VAR4J_TOKENIZER_DIR`) and the VAR in
`../models/fmnist-var` (or `VAR4J_VAR_DIR`), written by the experiments commands `train-tokenizer` and `train-var`.
Without them the notebook stops and says what to run, except in quick mode (`VAR4J_QUICK=1`), which then uses
randomly initialised models (a depth-2 VAR) so that CI exercises every cell: its pictures are noise. The experiments
command `sample` writes the same figures to `figures/var-fmnist-*.png`.
""")

code("""
import io.github.var4j.data.FashionMnist;
import io.github.var4j.app.SampleFigures;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.app.TrainedModels;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.ImageGrid;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
""")

code("""
long T0 = System.nanoTime();
boolean QUICK = TrainedModels.quickMode();
""")

md("""
## Load the tokenizer and the VAR

One `VarSampler` holds both: the VAR transformer and the VQ-VAE (for the quantizer's $\\hat f$ updates and the
decoder). All $K$ scales are unrolled into one TensorFlow graph with a KV cache, so a batch of images is one
`Session.run`.
""")

code("""
VarSampler sampler = TrainedModels.openSampler(Path.of("../models/fmnist-tokenizer"), Path.of("../models/fmnist-var"),
        System.out);
VqVaeConfig vaeCfg = sampler.vaeConfig();
List<String> NAMES = new ArrayList<>(FashionMnist.CLASS_NAMES);
NAMES.add("unconditional");   // the null class, label 10
System.out.println("tokenizer: " + vaeCfg);
System.out.println("VAR: " + VarTrainer.describe(sampler.varConfig()) + String.format(Locale.ROOT, ", %,d parameters",
        sampler.varConfig().numParams()));
""")

md("""
## Class-conditional samples

`PER_CLASS` samples of each of the 10 classes (rows), with the default setting: cfg 1.5, no top-k/top-p, plain
multinomial sampling, seed 0. The whole grid is a handful of `Session.run`s (batches of 64).
""")

code("""
int PER_CLASS = QUICK ? 3 : 10;
SampleOptions OPTS = SampleOptions.defaults();   // cfg 1.5, top-k off, top-p off, more_smooth off, seed 0
long tS = System.nanoTime();
SampleResult GRID = sampler.sampleClasses(PER_CLASS, OPTS);
System.out.println(String.format(Locale.ROOT, "%d images (%s, seed %d) in %.1f s", GRID.n(), OPTS.label(),
        OPTS.seed(), (System.nanoTime() - tS) / 1e9));
{
    display(SampleFigures.classGrid(GRID, PER_CLASS, NAMES, 2));
}
""")

md("""
## Seeds

The same seed gives the same images (stateless random ops: nothing depends on what ran before); another seed gives
other images. Below, one sample per class with seed 7, again with seed 7, and with seed 8.
""")

code("""
{
    int[] labels = java.util.stream.IntStream.range(0, 10).toArray();
    SampleResult a = sampler.sample(labels, OPTS.withSeed(7));
    SampleResult b = sampler.sample(labels, OPTS.withSeed(7));
    SampleResult c = sampler.sample(labels, OPTS.withSeed(8));
    System.out.println("seed 7 twice: identical pixels = " + Arrays.equals(a.images(), b.images())
            + ", identical tokens = " + Arrays.equals(a.tokens().get(a.patchNums().K() - 1), b.tokens().get(b.patchNums().K() - 1)));
    int same = 0;
    for (int i = 0; i < labels.length; i++) if (Arrays.equals(a.tokens(a.patchNums().K() - 1, i), c.tokens(c.patchNums().K() - 1, i))) same++;
    System.out.println("seed 7 vs seed 8: " + same + " of " + labels.length + " images with the same last token map");
    List<BufferedImage> tiles = new ArrayList<>(SampleFigures.images(a));
    tiles.addAll(SampleFigures.images(b));
    tiles.addAll(SampleFigures.images(c));
    display(ImageGrid.of(tiles).columns(10).scale(2).rowLabels("seed 7", "seed 7", "seed 8")
            .columnLabels(FashionMnist.CLASS_NAMES.stream()
                    .map(s -> s.replace("T-shirt/top", "T-shirt").replace("Ankle boot", "Boot")).toList())
            .title("same seed, same images").build());
}
""")

md("""
## Classifier-free guidance

Every column uses the same seed; only cfg changes. With cfg = 0 the model samples from its plain conditional
distribution (varied, sometimes off-class or broken shapes); growing cfg sharpens the class features and reduces
diversity, and very large values over-saturate. The paper uses 1.5 for its FID numbers.
""")

code("""
double[] CFGS = QUICK ? new double[] {0, 1.5, 5} : new double[] {0, 1, 1.5, 3, 5};
{
    long t = System.nanoTime();
    int[] labels = java.util.stream.IntStream.range(0, 10).toArray();
    BufferedImage fig = SampleFigures.cfgSweep(sampler, labels, CFGS, OPTS.withSeed(3), NAMES, 2);
    System.out.println(String.format(Locale.ROOT, "cfg sweep %s in %.1f s", Arrays.toString(CFGS),
            (System.nanoTime() - t) / 1e9));
    display(fig);
}
""")

md("""
## Top-k and top-p

One class (Bag, a varied one), the same seeds in every row, cfg 1.5. Rows: no truncation, top-k 100 and 10, top-p
0.9 and 0.6, and top-k 100 with top-p 0.9. Strong truncation (k = 10, p = 0.6) tends to give plainer, more alike images.
(The official FID setting, top-k 900 / top-p 0.96, is for a 4096-code vocabulary; ours has 512 codes.)
""")

code("""
int[] KS = QUICK ? new int[] {0, 10, 0} : new int[] {0, 100, 10, 0, 0, 100};
double[] PS = QUICK ? new double[] {0, 0, 0.6} : new double[] {0, 0, 0, 0.9, 0.6, 0.9};
{
    long t = System.nanoTime();
    BufferedImage fig = SampleFigures.topKTopPGrid(sampler, 8, KS, PS, QUICK ? 4 : 8, OPTS.withSeed(5), 2);
    System.out.println(String.format(Locale.ROOT, "top-k/top-p grid in %.1f s", (System.nanoTime() - t) / 1e9));
    display(fig);
}
""")

md("""
## Coarse to fine

Four samples of the class grid (T-shirt/top, Trouser, Sneaker, Ankle boot) decoded from $\\hat f$ after the first
$k$ scales: the image VAR builds, one scale per step. The first scale (a single token) already fixes the rough
brightness and shape; the 8×8 scale adds the details.
""")

code("""
int[] FEW = {0, PER_CLASS, 7 * PER_CLASS, 9 * PER_CLASS};   // first sample of classes 0, 1, 7, 9
{
    display(SampleFigures.coarseToFine(sampler, GRID, FEW, NAMES, 3));
}
""")

md("""
## Token maps

The sampled token maps $r_1 \\dots r_K$ of the same four samples. Each cell is coloured by its code's embedding
projected on the first three principal components of the codebook (similar codes, similar colours); maps up to 4×4
print the code ids. Rows are labelled with the sample's index in the class grid.
""")

code("""
{
    display(SampleFigures.tokenMaps(sampler, GRID, FEW, 12));
}
""")

code("""
String varUsed = sampler.varConfig().depth() + "-block VAR";
sampler.close();
System.out.println(String.format(Locale.ROOT, "notebook cells ran in %.1f s (quick mode: %s, %s)",
        (System.nanoTime() - T0) / 1e9, QUICK, varUsed));
""")


def main():
    write("03-sample.ipynb", "sample")


if __name__ == "__main__":
    main()
