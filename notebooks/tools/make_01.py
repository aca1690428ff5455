#!/usr/bin/python3
"""Generates notebooks/01-tokenizer.ipynb (the multi-scale VQ-VAE tokenizer on Fashion-MNIST).

Usage (from the repository root or anywhere):  /usr/bin/python3 notebooks/tools/make_01.py
Needs Debian's nbformat (/usr/bin/python3; pyenv's python3 has no Jupyter). Writes the notebook WITHOUT outputs;
outputs come from executing it: bash scripts/run-notebooks.sh --inplace notebooks/01-tokenizer.ipynb

Cells are plain Java (JShell): imports in their own cell, display(...) calls inside { } blocks so that the same
source also runs under IJava/JJava-style kernels. All logic lives in the library (io.github.var4j.*).
"""
from nbgen import code, md, write

# Measured wall times (scripts/run-notebooks.sh summary line); update after a re-measurement and regenerate.
RUNTIME = (
    "**Runtime** (2-core CPU, measured while a training run shared the CPU): 150-170 s with the trained tokenizer in "
    "`../models/fmnist-tokenizer` (evaluation on all 10,000 test images + figures); if the notebook has to train the "
    "tokenizer itself, about 57 minutes more (3,000 steps of 64 images took 3,400 s). Quick mode (`VAR4J_QUICK=1`, CI): 35-45 s."
)


md(f"""
# 01 · The multi-scale VQ-VAE tokenizer

{RUNTIME}

VAR does not predict pixels, and not one token map either: it predicts a **pyramid of token maps** $r_1, r_2, \\dots,
r_K$, coarse to fine. This notebook looks at the tokenizer that produces that pyramid, trained on Fashion-MNIST
(28×28 grey, padded to 32×32, values in [-1, 1]).

* **Encoder** $\\mathcal{{E}}$: a small convolutional VAE encoder (widths 32, 64, 64; 4× downsampling) maps the image
  to a continuous latent $f$ of 8×8×16 ($C_{{vae}} = 16$).
* **Multi-scale residual quantisation**: with patch numbers 1, 2, 3, 4, 5, 6, 8 ($K = 7$ scales, $L = 155$ tokens),
  for $k = 1..K$: take what is not yet explained, $f - \\hat f$, area-downsample it to $p_k \\times p_k$, replace every
  vector by the index of its nearest entry in **one codebook shared by all scales** ($V = 512$ codes) — that grid of
  indices is the token map $r_k$ — then upsample the code vectors back to 8×8 (bicubic), pass them through
  $\\phi_k$ and add them to $\\hat f$. $r_1$ is a single token (1×1) for the whole image, $r_K$ is 8×8.
* **$\\phi_k$**: a 3×3 convolution mixed with its input, $\\phi(h) = (1 - 0.5)\\,h + 0.5\\,\\mathrm{{conv}}(h)$; four
  such convolutions are shared among the $K$ scales (each scale uses the one nearest to its relative depth), as in the
  official VAR code.
* **Decoder** $\\mathcal{{D}}$: turns $\\hat f$ (after all $K$ scales, or after only the first $k$) back into an image.

The transformer of notebook 02 learns $p(r_k \\mid r_1, \\dots, r_{{k-1}})$; the tokenizer fixes what those tokens mean.
Training loss: L1 + L2 reconstruction + the VQ loss (codebook + 0.25 · commitment), AdamW, dead codes re-initialised
from encoder features every 100 steps.

**Modes.** `VAR4J_QUICK=1` (CI): trains a tiny 20-step tokenizer on 640 images (so CI exercises training) and
evaluates on 500 test images; pictures use the trained tokenizer if it exists, else the tiny one. Without quick mode
the notebook loads the tokenizer trained by the experiments command `train-tokenizer` (`../models/fmnist-tokenizer`,
or the directory in `VAR4J_TOKENIZER_DIR`) and trains it itself if there is none.
""")

code("""
import io.github.var4j.data.DataSplit;
import io.github.var4j.data.Datasets;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.eval.TokenizerReport;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.train.TokenizerTrainConfig;
import io.github.var4j.train.TokenizerTrainer;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.ImageGrid;
import io.github.var4j.viz.Images;
import io.github.var4j.viz.Tables;
import io.github.var4j.viz.ValueRange;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
""")

code("""
long T0 = System.nanoTime();
String quickEnv = System.getenv("VAR4J_QUICK");
boolean QUICK = quickEnv != null && !quickEnv.isBlank() && !quickEnv.equals("0") && !quickEnv.equalsIgnoreCase("false");
String tokEnv = System.getenv("VAR4J_TOKENIZER_DIR");
boolean TOK_FROM_ENV = tokEnv != null && !tokEnv.isBlank();
Path MODEL_DIR = TOK_FROM_ENV ? Path.of(tokEnv) : Path.of("../models/fmnist-tokenizer");  // exported tokenizer
Path RUN_DIR = Path.of("../runs/tokenizer-fmnist");                                        // its training run
boolean READY = ModelDir.exists(MODEL_DIR);
if (TOK_FROM_ENV && !READY) {
    throw new IllegalStateException("VAR4J_TOKENIZER_DIR=" + tokEnv + " has no " + ModelDir.CONFIG);
}
System.out.println("quick mode: " + QUICK + " (VAR4J_QUICK=" + quickEnv + ")");
System.out.println("trained tokenizer " + MODEL_DIR + ": " + (READY ? "found" : "not found"));
""")

md("""
## Fashion-MNIST

60,000 training and 10,000 test images in 10 classes, read from the local data cache (`scripts/fetch-data.sh` fills
it). Below: the first 8 test images of every class.
""")

code("""
DataSplit split = Datasets.fashionMnist();
ImageDataset train = split.train();
ImageDataset test = split.test();
System.out.println("train: " + train + "\\ntest:  " + test);
""")

code("""
{
    int perClass = 8;
    List<BufferedImage> tiles = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int k = 0; k < test.numClasses(); k++) {
        int[] idx = Arrays.copyOfRange(test.indicesOfClass(k), 0, perClass);
        tiles.addAll(Images.fromNHWCBatch(test.toFloatBatch(idx, 28), 28, 28, 1, ValueRange.MINUS_ONE_ONE));
        names.add(test.className(k));
    }
    display(ImageGrid.of(tiles).columns(perClass).scale(2).rowLabels(names)
            .title("Fashion-MNIST test images (8 per class)").build());
}
""")

md("""
## The tokenizer: load it, or train it

* **Quick mode**: always trains a tiny tokenizer, `TokenizerTrainConfig.quick(20)` (20 steps of 16 images on the
  first 640 training images), into a temporary directory: a smoke test of training, not a useful model (its PSNR
  stays far below the real one).
* **A trained tokenizer exists** (`../models/fmnist-tokenizer/config.json`, or `VAR4J_TOKENIZER_DIR`): it is
  loaded (config + one `.npy` per weight, official PyTorch names) and used for everything below.
* **No trained tokenizer, not quick**: the next cell trains the default, `TokenizerTrainConfig.fashionMnistDefault()`
  (3,000 steps of 64 images, about 3 epochs; about 35 minutes on a 2-core CPU, progress every 50 steps), into
  `../runs/tokenizer-fmnist` and exports it to `../models/fmnist-tokenizer` — the same as the `train-tokenizer`
  command. It checkpoints every 500 steps: re-running after an interruption resumes.
""")

code("""
Path QUICK_DIR = null;   // quick mode: temp dir with run/ (metrics.csv, checkpoint) and model/ (exported tokenizer)
if (QUICK) {
    QUICK_DIR = Files.createTempDirectory("var4j-nb01-");
    ImageDataset small = train.subset(IntStream.range(0, 640).toArray());
    try (TokenizerTrainer trainer = new TokenizerTrainer(VqVaeConfig.fashionMnistDefault(),
            TokenizerTrainConfig.quick(20), QUICK_DIR.resolve("run"))) {
        TokenizerTrainer.Summary s = trainer.train(small, 28, System.out);
        ModelDir.save(QUICK_DIR.resolve("model"), ModelKind.TOKENIZER, trainer.vaeConfig(), trainer.stateDict());
        System.out.printf(Locale.ROOT, "quick tokenizer: %d steps in %.1f s, last batch PSNR %.2f dB -> %s%n",
                s.steps(), s.seconds(), s.last().get("psnr"), QUICK_DIR.resolve("model"));
    }
}
""")

code("""
if (!READY && !QUICK) {
    try (TokenizerTrainer trainer = new TokenizerTrainer(VqVaeConfig.fashionMnistDefault(),
            TokenizerTrainConfig.fashionMnistDefault(), RUN_DIR)) {
        TokenizerTrainer.Summary s = trainer.train(train, 28, System.out);
        ModelDir.save(MODEL_DIR, ModelKind.TOKENIZER, trainer.vaeConfig(), trainer.stateDict());
        System.out.printf(Locale.ROOT, "trained %d steps in %.1f min -> %s%n", s.steps(), s.seconds() / 60, MODEL_DIR);
    }
    READY = true;
} else {
    System.out.println(READY ? "using the trained tokenizer in " + MODEL_DIR : "quick mode: no full training");
}
""")

code("""
Path TOK_DIR = READY ? MODEL_DIR : QUICK_DIR.resolve("model");
VqVaeConfig cfg = ModelDir.config(TOK_DIR, ModelKind.TOKENIZER);
Tokenizer tok = Tokenizer.loadNpyDir(cfg, TOK_DIR);
System.out.println("tokenizer for the rest of the notebook: " + TOK_DIR);
System.out.println(cfg);
System.out.println("patch numbers " + cfg.patchNums() + ": K = " + cfg.patchNums().K() + " scales, L = "
        + cfg.patchNums().L() + " tokens per image, codebook " + cfg.vocabSize() + " x " + cfg.zChannels());
""")

md("""
## Reconstructions

Top row: test images (one per class); bottom row: the same images encoded to the 7 token maps and decoded again.
Everything the decoder sees is the 155 token ids per image.
""")

code("""
int[] PICK = new int[test.numClasses()];   // the first test image of every class
for (int k = 0; k < PICK.length; k++) PICK[k] = test.indicesOfClass(k)[0];
{
    display(TokenizerReport.reconstructions(tok, test, PICK, 3));
}
""")

md("""
## Test PSNR and codebook usage per scale

PSNR is measured on the 28×28 centre (the padding is excluded), averaged over images. *Usage* is the share of the
512 codes that appear at least once at that scale, *perplexity* $\\exp(H)$ of the code histogram (the effective number
of codes). The coarse scales have few tokens (1×1 = 1 per image), so they can use only a few codes; a healthy
codebook is widely used at the fine scales. The project's target is a test PSNR of at least 25 dB.
""")

code("""
int EVAL_N = QUICK ? 500 : test.size();
long tEval = System.nanoTime();
TokenizerReport.Metrics METRICS = TokenizerReport.evaluate(tok, test, 28, EVAL_N);
System.out.println(String.format(Locale.ROOT, "evaluated %d test images in %.1f s: PSNR %.2f dB",
        METRICS.n(), (System.nanoTime() - tEval) / 1e9, METRICS.psnr()));
""")

code("""
{
    var summary = new java.util.LinkedHashMap<String, Double>();
    summary.put("test PSNR (dB)", METRICS.psnr());
    summary.put("test images", (double) METRICS.n());
    summary.put("usage, last scale (%)", METRICS.lastScaleUsage());
    Path timeFile = RUN_DIR.resolve("time.properties");   // written by the train-tokenizer command
    if (TOK_DIR.equals(MODEL_DIR) && Files.exists(timeFile)) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(timeFile)) { p.load(r); }
        summary.put("training time (min)", Double.parseDouble(p.getProperty("seconds")) / 60);
        summary.put("training steps", Double.parseDouble(p.getProperty("steps")));
        summary.put("training CPU cores", Double.parseDouble(p.getProperty("cores")));
    }
    var table = Tables.metrics(summary);
    table.setName("tokenizer " + TOK_DIR);
    display("html", Tables.toHtml(table));

    List<Object[]> rows = new ArrayList<>();
    var pns = cfg.patchNums();   // the ScaleSchedule
    for (int i = 0; i < pns.K(); i++) {
        var u = METRICS.usage().get(i);
        rows.add(new Object[] {i + 1, pns.pn(i) + "x" + pns.pn(i), u.tokens(), u.distinct(), u.usagePercent(), u.perplexity()});
    }
    display("html", Tables.toHtml(Tables.fromRows("codebook usage per scale (" + METRICS.n() + " test images)",
            List.of("scale", "token map", "tokens", "codes used", "usage %", "perplexity"), rows)));
}
""")

code("""
{
    display(Charts.toImage(TokenizerReport.usageChart(METRICS, cfg.patchNums())));
}
""")

md("""
## Token maps $r_1 \\dots r_K$

For four test images, the token map of every scale. Each cell is coloured by its code's embedding vector projected
onto the first three principal components of the codebook (as RGB), so codes with similar vectors get similar colours;
small maps also print the token ids. $r_1$ is one code for the whole image (roughly: "which kind of garment, how
bright"); later maps add detail where the residual still differs.
""")

code("""
int[] FEW = {PICK[0], PICK[1], PICK[7], PICK[9]};   // T-shirt/top, trouser, sneaker, ankle boot
{
    display(TokenizerReport.tokenMaps(tok, test, FEW, 12));
}
""")

md("""
## Coarse to fine

The same four images decoded from $\\hat f$ after only the first $k$ scales, $k = 1..K$: the picture VAR's
transformer sees grow while it generates scale after scale. The last column is the full reconstruction.
""")

code("""
{
    display(TokenizerReport.coarseToFine(tok, test, FEW, 3));
}
""")

md("""
## Training curves

Loss (L1 + L2 + VQ, log scale) and PSNR of the training batches, smoothed over windows of steps, from the run's
`metrics.csv`: the full run in `../runs/tokenizer-fmnist` if there is one, otherwise the quick run of this notebook.
""")

code("""
{
    Path csv = RUN_DIR.resolve("metrics.csv");
    if (!Files.exists(csv) && QUICK_DIR != null) csv = QUICK_DIR.resolve("run").resolve("metrics.csv");
    if (Files.exists(csv)) {
        int steps = Files.readAllLines(csv).size() - 1;
        int window = Math.max(1, steps / 200);
        System.out.println("curves from " + csv + " (" + steps + " steps, window " + window + ")");
        for (XYChart chart : TokenizerReport.trainingCurves(csv, window)) display(Charts.toImage(chart));
    } else {
        System.out.println("no metrics.csv in " + RUN_DIR + ": no training curves");
    }
}
""")

code("""
tok.close();
System.out.println(String.format(Locale.ROOT, "notebook cells ran in %.1f s (quick mode: %s)",
        (System.nanoTime() - T0) / 1e9, QUICK));
""")


def main():
    write("01-tokenizer.ipynb", "tok")


if __name__ == "__main__":
    main()
