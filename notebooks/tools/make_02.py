#!/usr/bin/python3
"""Generates notebooks/02-train-var.ipynb (training the next-scale VAR transformer on Fashion-MNIST token maps).

Usage (from the repository root or anywhere):  /usr/bin/python3 notebooks/tools/make_02.py
Needs Debian's nbformat (/usr/bin/python3; pyenv's python3 has no Jupyter). Writes the notebook WITHOUT outputs;
outputs come from executing it: bash scripts/run-notebooks.sh --inplace notebooks/02-train-var.ipynb

Cells are plain Java (JShell): imports in their own cell, display(...) calls inside { } blocks so that the same
source also runs under IJava/JJava-style kernels. All logic lives in the library (io.github.var4j.*).
"""
from nbgen import code, md, write

# Measured wall times (scripts/run-notebooks.sh summary line); update after a re-measurement and regenerate.
RUNTIME = (
    "**Runtime** (2-core CPU shared with other work): 56 s with the trained VAR in `../models/fmnist-var` and the "
    "token caches of its run in `../runs/var-fmnist` (evaluation on all 10,000 test images + figures; about 2 minutes "
    "more if the token maps have to be encoded first); if the notebook has to train the VAR itself, about 30-35 "
    "minutes more (2,000 steps of 64 images). Quick mode (`VAR4J_QUICK=1`, CI): 20-60 s."
)


md(f"""
# 02 · Training the next-scale VAR transformer

{RUNTIME}

Notebook 01 turned every 32×32 Fashion-MNIST image into a pyramid of token maps $r_1, \\dots, r_K$ (patch numbers
1, 2, 3, 4, 5, 6, 8: $K = 7$ scales, $L = 155$ tokens, codebook of $V = 512$ codes). VAR models that pyramid
autoregressively **scale by scale**:

$$p(r_1, \\dots, r_K \\mid c) = \\prod_{{k=1}}^{{K}} p(r_k \\mid r_1, \\dots, r_{{k-1}}, c)$$

where $c$ is the class label. All $p_k^2$ tokens of scale $k$ are predicted **in parallel**, from everything of the
coarser scales. The transformer is a GPT-2-style stack of blocks whose LayerNorms are modulated by the class
embedding (AdaLN), with a learned position embedding per token and a level embedding per scale.

**Training is teacher forcing**, exactly as in the official `trainer.py`: the input of scale $k+1$ is the tokenizer's
cumulative latent $\\hat f$ after the true maps $r_1..r_k$, area-downsampled to $p_{{k+1}} \\times p_{{k+1}}$
(`idxBl_to_var_input`); the first position is the class embedding (start token). One forward pass scores all $L$
tokens, the loss is the cross-entropy averaged uniformly over the $L$ tokens. Official recipe: AdamW
($\\beta$ = 0.9, 0.95), weight decay 0.05, gradient clipping at 2, the `lin0` learning-rate schedule, and
**condition dropout** 0.1 (the label is replaced by a "null class" 10% of the time, which later enables
classifier-free guidance).

**Modes.** `VAR4J_QUICK=1` (CI): a tiny depth-2 model trained for 20 steps on 1,024 training images (evaluated on
256 test images) — a smoke test of the pipeline, not a useful model; it uses the trained tokenizer if there is one,
else an untrained one. Without quick mode the notebook loads the VAR trained by the experiments command `train-var`
(`../models/fmnist-var`, or `VAR4J_VAR_DIR`) with the curves of its run (`../runs/var-fmnist`, or
`VAR4J_VAR_RUN_DIR`), and trains the default itself if there is none.
""")

code("""
import io.github.var4j.data.DataSplit;
import io.github.var4j.data.Datasets;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.eval.VarReport;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.nn.StateDict;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.train.TokenCache;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
""")

code("""
long T0 = System.nanoTime();
String quickEnv = System.getenv("VAR4J_QUICK");
boolean QUICK = quickEnv != null && !quickEnv.isBlank() && !quickEnv.equals("0") && !quickEnv.equalsIgnoreCase("false");
String tokEnv = System.getenv("VAR4J_TOKENIZER_DIR"), varEnv = System.getenv("VAR4J_VAR_DIR"),
        runEnv = System.getenv("VAR4J_VAR_RUN_DIR");
Path TOK_DIR = tokEnv != null && !tokEnv.isBlank() ? Path.of(tokEnv) : Path.of("../models/fmnist-tokenizer");
Path VAR_DIR = varEnv != null && !varEnv.isBlank() ? Path.of(varEnv) : Path.of("../models/fmnist-var");  // exported VAR
Path RUN_DIR = runEnv != null && !runEnv.isBlank() ? Path.of(runEnv) : Path.of("../runs/var-fmnist");   // its training run
Path RESULTS = Path.of("../experiments/results");   // committed copies of the run's CSVs (runs/ is not in git)
boolean TOK_READY = ModelDir.exists(TOK_DIR);
boolean VAR_READY = ModelDir.exists(VAR_DIR);
if (!TOK_READY && !QUICK) {
    throw new IllegalStateException("no trained tokenizer in " + TOK_DIR + ": run notebook 01 or `scripts/var4j "
            + "train-tokenizer` first (or set VAR4J_TOKENIZER_DIR)");
}
System.out.println("quick mode: " + QUICK + " (VAR4J_QUICK=" + quickEnv + ")");
System.out.println("tokenizer " + TOK_DIR + ": " + (TOK_READY ? "found" : "not found (quick mode: untrained tokenizer)"));
System.out.println("trained VAR " + VAR_DIR + ": " + (VAR_READY ? "found" : "not found"));
""")

md("""
## Data and tokenizer

Fashion-MNIST from the local data cache (`scripts/fetch-data.sh`), and the tokenizer of notebook 01. The tokenizer
stays frozen: VAR only ever sees its token ids and its quantizer's latents.
""")

code("""
DataSplit split = Datasets.fashionMnist();
ImageDataset train = split.train();
ImageDataset test = split.test();
VqVaeConfig VAE = TOK_READY ? ModelDir.config(TOK_DIR, ModelKind.TOKENIZER) : VqVaeConfig.fashionMnistDefault();
Tokenizer tok = TOK_READY ? Tokenizer.loadNpyDir(VAE, TOK_DIR) : Tokenizer.initialized(VAE, 0);
ScaleSchedule PNS = VAE.patchNums();
System.out.println("train: " + train + "\\ntest:  " + test);
System.out.println("tokenizer: patchNums " + PNS + ", K = " + PNS.K() + ", L = " + PNS.L()
        + ", V = " + VAE.vocabSize() + ", Cvae = " + VAE.zChannels());
""")

md("""
## Tokens per scale and the block-causal attention mask

The $L = 155$ tokens of an image are laid out scale after scale: 1 + 4 + 9 + 16 + 25 + 36 + 64. Most of the
tokens (and of the compute) sit in the last scales.

The attention mask is **block-causal**: a query of scale $k$ may attend to every key of scales $1..k$ — including
all tokens of its own scale — and to nothing finer. (Row = query token, column = key token; dark = allowed, red lines
= scale boundaries.) Inside a scale there is no order at all, which is why a whole token map can be sampled in one
step at inference time. Because the input of scale $k$ is built only from scales $< k$ (teacher forcing shifts by one
scale, not by one token), attending within the own scale leaks nothing.
""")

code("""
{
    display(VarReport.attentionMask(PNS, 3));
    display(Charts.toImage(VarReport.tokensPerScale(PNS)));
    display("html", Tables.toHtml(VarReport.scalesTable(PNS)));
}
""")

md("""
## The training data: token maps, encoded once

Encoding is the expensive part of a VAR training step in the official code (the frozen VQ-VAE runs on every batch).
Here every image is encoded **once** into a `TokenCache` (labels + 155 uint16 token ids per image, in scale order,
written atomically with a checksum; a key made of the tokenizer's weights and the images means a cache of another
tokenizer is rebuilt). A training batch then only needs the teacher-forcing input $x$, which the tokenizer's quantizer
computes from the cached ids in a few milliseconds (`Tokenizer.varInput`).

Quick mode encodes 1,024 training and 256 test images in memory; otherwise the caches live in the run directory
(the same files the `train-var` command uses).
""")

code("""
TokenCache trainTok, testTok;
if (QUICK) {
    ImageDataset smallTrain = train.subset(VarTrainer.evenlySpaced(train.size(), 1024));  // the splits are class-ordered
    ImageDataset smallTest = test.subset(VarTrainer.evenlySpaced(test.size(), 256));
    trainTok = TokenCache.encode(tok, smallTrain, 256, "train", System.out);
    testTok = TokenCache.encode(tok, smallTest, 256, "test", System.out);
} else {
    trainTok = TokenCache.loadOrEncode(RUN_DIR.resolve("tokens-train.v4jt"), tok, train, "train", System.out);
    testTok = TokenCache.loadOrEncode(RUN_DIR.resolve("tokens-test.v4jt"), tok, test, "test", System.out);
}
System.out.println("train tokens: " + trainTok + "\\ntest tokens:  " + testTok);
{
    int i = 0;   // the first training image: its label and its token maps r1..rK (= one row of the targets)
    List<int[]> maps = trainTok.perScale(new int[] {i});
    StringBuilder sb = new StringBuilder("image 0 (" + train.className(trainTok.label(i)) + "):\\n");
    for (int k = 0; k < PNS.K(); k++) {
        sb.append(String.format(Locale.ROOT, "  r%d (%dx%d): %s%n", k + 1, PNS.pn(k), PNS.pn(k),
                k < 4 ? Arrays.toString(maps.get(k)) : Arrays.toString(Arrays.copyOf(maps.get(k), 8)) + " ..."));
    }
    System.out.print(sb);
}
""")

md("""
## Train (or load) the transformer

* **Quick mode**: `VarTrainConfig.quick(20)`: depth 2, width 64, 2 heads (0.2M parameters), batch 16, 20 steps, into
  a temporary directory.
* **A trained VAR exists** (`../models/fmnist-var/config.json`): it is loaded (config + one `.npy` per weight,
  official PyTorch names) and evaluated below; its curves come from its run directory (in a fresh clone, which has
  no `../runs/`, from the copies in `../experiments/results/`).
* **Otherwise** the next cell trains the default, `VarTrainConfig.fashionMnistDefault()`: depth 4, width 128,
  2 heads (head dim 64; 1.3M parameters), batch 64, 2,000 steps (2.1 epochs), peak learning rate 1e-3 with 5%
  warm-up and the `lin0` decay, test evaluations on 2,000 images every 250 steps, checkpoints every 250 steps (a
  re-run resumes); 29.6 minutes on the 2-core CPU. The official rule $C = 64 \\cdot depth$ would give width 256 at
  depth 4: about four times the compute per step (2.1-3.4 s instead of 0.8-0.9 s), so only 530-840 steps in 30
  minutes; the narrower model trained for more steps is the better use of the time. The official peak learning rate
  $10^{-4} \\cdot batch/256$ belongs to 300M+ parameter models and hundreds of ImageNet epochs; for a 1M-parameter
  model and 2,000 steps it is far too small (the sweep over 3e-4 … 1.2e-2 behind the choice of 1e-3 is in the
  `VarTrainConfig` documentation).
""")

code("""
VarConfig CFG;
Path CURVES_DIR;                 // run directory with metrics.csv / eval.csv
Path MODEL_DIR;                  // exported model evaluated below
double TRAIN_SECONDS = Double.NaN;
if (QUICK) {
    Path q = Files.createTempDirectory("var4j-nb02-");
    VarTrainConfig tc = VarTrainConfig.quick(20);
    CFG = tc.modelConfig(VAE.vocabSize(), VAE.zChannels(), train.numClasses(), PNS);
    try (VarTrainer trainer = new VarTrainer(CFG, tc, q.resolve("run"))) {
        VarTrainer.Summary s = trainer.train(trainTok, testTok, tok::varInput, System.out);
        trainer.export(q.resolve("model"));
        TRAIN_SECONDS = s.seconds();
    }
    CURVES_DIR = q.resolve("run");
    MODEL_DIR = q.resolve("model");
} else if (VAR_READY) {
    CFG = ModelDir.config(VAR_DIR, ModelKind.VAR);
    CURVES_DIR = RUN_DIR;
    MODEL_DIR = VAR_DIR;
    Path timeFile = RUN_DIR.resolve("time.properties");   // written by the train-var command
    Path resultsCsv = RESULTS.resolve("var-fmnist.csv");   // its committed final metrics (metric,value)
    if (Files.exists(timeFile)) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(timeFile)) { p.load(r); }
        TRAIN_SECONDS = Double.parseDouble(p.getProperty("seconds"));
    } else if (Files.exists(resultsCsv)) {
        for (String line : Files.readAllLines(resultsCsv)) {
            if (line.startsWith("train_minutes,")) TRAIN_SECONDS = 60 * Double.parseDouble(line.split(",")[1]);
        }
    }
    System.out.println("loaded the trained VAR from " + VAR_DIR);
} else {
    VarTrainConfig tc = VarTrainConfig.fashionMnistDefault();
    CFG = tc.modelConfig(VAE.vocabSize(), VAE.zChannels(), train.numClasses(), PNS);
    try (VarTrainer trainer = new VarTrainer(CFG, tc, RUN_DIR)) {
        VarTrainer.Summary s = trainer.train(trainTok, testTok, tok::varInput, System.out);
        trainer.export(VAR_DIR);
        TRAIN_SECONDS = s.seconds();
    }
    CURVES_DIR = RUN_DIR;
    MODEL_DIR = VAR_DIR;
}
Path METRICS_FILE = CURVES_DIR.resolve(VarTrainer.METRICS_CSV), EVAL_FILE = CURVES_DIR.resolve(VarTrainer.EVAL_CSV);
if (!QUICK && VAR_READY && (varEnv == null || varEnv.isBlank()) && !Files.exists(EVAL_FILE)
        && Files.exists(RESULTS.resolve("var-fmnist-eval.csv"))) {
    // a fresh clone has no run directory (runs/ is not in git): use the copies train-var wrote to experiments/results
    METRICS_FILE = RESULTS.resolve("var-fmnist-train-metrics.csv");
    EVAL_FILE = RESULTS.resolve("var-fmnist-eval.csv");
}
System.out.println(CFG);
System.out.println(VarTrainer.describe(CFG) + String.format(Locale.ROOT, ": %,d parameters", CFG.numParams()));
""")

md("""
## Loss and accuracy curves

Training loss per step (averaged over windows of steps), and the test loss at every evaluation — over all 155
tokens and over the last scale (the 8×8 map, 64 tokens) alone. Accuracy is top-1 over the 512 codes: how often the
most likely code is the true one, *given the true coarser scales* (teacher forcing). Evaluation switches condition
dropout off (the official `eval_ep` keeps it on).

Uniform noise over 512 codes has a cross-entropy of $\\ln 512 = 6.24$ nats; that is where the curves start.
""")

code("""
{
    Path metricsCsv = METRICS_FILE, evalCsv = EVAL_FILE;
    if (Files.exists(evalCsv)) {
        int window = Files.exists(metricsCsv) ? VarReport.windowFor(Files.readAllLines(metricsCsv).size() - 1, 100) : 1;
        System.out.println("curves from " + evalCsv + (Files.exists(metricsCsv) ? " and " + metricsCsv : "")
                + " (window " + window + " steps)");
        display(Charts.toImage(VarReport.lossChart(metricsCsv, evalCsv, window)));
        display(Charts.toImage(VarReport.accuracyChart(metricsCsv, evalCsv, window)));
    } else {
        System.out.println("no " + evalCsv + ": no curves");
    }
}
""")

md("""
## Test metrics of the model

The exported model is loaded again from disk (exactly what later notebooks and the sampler load) and evaluated with
teacher forcing on the test images (all 10,000; 256 in quick mode). Perplexity $e^{\\text{loss}}$ is the effective
number of codes the model still hesitates between per token. Below it, the evaluation history of the run.
""")

code("""
VarTrainer.EvalResult TEST;
{
    long t = System.nanoTime();
    VarConfig cfg = ModelDir.config(MODEL_DIR, ModelKind.VAR);
    StateDict sd = StateDict.loadNpyDir(MODEL_DIR);
    TEST = VarTrainer.evaluateModel(cfg, sd, testTok, tok::varInput, 0);
    System.out.println(String.format(Locale.ROOT, "evaluated %d test images in %.1f s", TEST.images(),
            (System.nanoTime() - t) / 1e9));
    long steps = Files.exists(EVAL_FILE) ? Math.round(VarReport.lastEval(EVAL_FILE).get("step")) : 0;
    Map<String, Double> m = VarReport.finalMetrics(cfg, cfg.numParams(), TEST, steps, TRAIN_SECONDS);
    display("html", Tables.toHtml(VarReport.metricsTable("VAR " + MODEL_DIR + " (teacher forcing, test set)", m)));
    Path evalCsv = EVAL_FILE;
    if (Files.exists(evalCsv)) {
        Map<String, double[]> e = VarReport.readCsv(evalCsv);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < e.get("step").length; i++) {
            rows.add(new Object[] {(long) e.get("step")[i], e.get("epoch")[i], e.get("test_loss")[i],
                    e.get("test_acc")[i], e.get("test_loss_tail")[i], e.get("test_acc_tail")[i]});
        }
        display("html", Tables.toHtml(Tables.fromRows("evaluations during training (" + evalCsv + ")",
                List.of("step", "epoch", "test loss", "test acc %", "last-scale loss", "last-scale acc %"), rows)));
    }
}
""")

md("""
Teacher-forced accuracy is a proxy, not image quality: many codes are near-synonyms, so a model can put its mass
on a close code and still be "wrong". The samples — drawn scale by scale from this model with classifier-free
guidance — are the real test; they are the subject of the next notebook.
""")

code("""
tok.close();
System.out.println(String.format(Locale.ROOT, "notebook cells ran in %.1f s (quick mode: %s)",
        (System.nanoTime() - T0) / 1e9, QUICK));
""")


def main():
    write("02-train-var.ipynb", "var")


if __name__ == "__main__":
    main()
