#!/usr/bin/python3
"""Generates notebooks/05-zero-shot.ipynb (zero-shot in-painting, out-painting and class-conditional editing).

Usage (from the repository root or anywhere):  /usr/bin/python3 notebooks/tools/make_05.py
Needs Debian's nbformat (/usr/bin/python3; pyenv's python3 has no Jupyter). Writes the notebook WITHOUT outputs;
outputs come from executing it: bash scripts/run-notebooks.sh --inplace notebooks/05-zero-shot.ipynb

Cells are plain Java (JShell): imports in their own cell, display(...) calls inside { } blocks so that the same
source also runs under IJava/JJava-style kernels. All logic lives in the library (io.github.var4j.*).
"""
from nbgen import code, md, write

# Measured wall times (scripts/run-notebooks.sh summary line); update after a re-measurement and regenerate.
RUNTIME = (
    "**Runtime** (2-core CPU shared with other jobs): 15-20 s with the trained models in `../models` "
    "(4 test images x 4 results for each of four edits). Quick mode (`VAR4J_QUICK=1`, CI; 3 images x 2 results): "
    "16 s with the trained models, 35-55 s with random ones."
)


md(f"""
# 05 · Zero-shot editing: in-painting, out-painting, class-conditional editing

{RUNTIME}

VAR was trained only to generate images scale by scale. Yet it can **edit** images without any extra training
(paper §4.5, official `demo_zero_shot_edit.ipynb`): encode a real image into its token maps $r_1 \\dots r_K$, then
sample as usual, but at every scale **overwrite the tokens of the region to keep with the image's own tokens**
(teacher forcing, in embedding space, before the $\\phi_k$ convolution). The rest of the map is sampled conditioned on
the kept tokens — of this scale through the following scales, and of the coarser scales through the KV cache — so the
generated part has to fit around what was kept.

* The mask is given on the last (8×8) token map, 1 = keep. For a scale with $p_k \\times p_k$ tokens it is resized
  bilinearly and thresholded at 0.5; the scales with at most 3 tokens (1×1) are always kept completely, so the image's
  global layout and brightness stay.
* **In-painting**: a box in the middle is regenerated, with the null class (unconditional).
* **Out-painting**: a box in the middle is kept, the border is regenerated, with the null class.
* **Class-conditional editing**: a box is regenerated *as a chosen class* (with guidance), e.g. the upper half of a
  sneaker regenerated as an ankle boot.

**Models.** As in notebook 03: `../models/fmnist-tokenizer` and `../models/fmnist-var` (or `VAR4J_TOKENIZER_DIR` /
`VAR4J_VAR_DIR`), written by `train-tokenizer` and `train-var`; without them the notebook stops and says what to run,
except in quick mode (`VAR4J_QUICK=1`), which then uses random models (a depth-2 VAR): its edits are noise inside the
regenerated region. The experiments command `zero-shot` writes the same kind of figures to
`figures/var-fmnist-{{inpaint,outpaint,edit}}.png`.
""")

code("""
import io.github.var4j.data.DataSplit;
import io.github.var4j.data.Datasets;
import io.github.var4j.data.FashionMnist;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.sample.Masks;
import io.github.var4j.app.SampleFigures;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.app.TrainedModels;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.sample.ZeroShot;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.ImageGrid;
import io.github.var4j.viz.Images;
import io.github.var4j.viz.Tables;
import io.github.var4j.viz.ValueRange;
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

code("""
VarSampler sampler = TrainedModels.openSampler(Path.of("../models/fmnist-tokenizer"), Path.of("../models/fmnist-var"),
        System.out);
VqVaeConfig vaeCfg = sampler.vaeConfig();
ScaleSchedule PNS = sampler.varConfig().patchNums();
int PN_LAST = PNS.latentSide();
int S = vaeCfg.imageSize();
List<String> NAMES = FashionMnist.CLASS_NAMES;
System.out.println("tokenizer: " + vaeCfg);
System.out.println("VAR: " + VarTrainer.describe(sampler.varConfig()) + String.format(Locale.ROOT, ", %,d parameters",
        sampler.varConfig().numParams()));
""")

md("""
## Settings

The same sampling settings for every edit except the guidance of class-conditional editing (in- and out-painting use
the null class, for which guidance changes nothing: the conditional and unconditional halves are the same).
""")

code("""
int N = QUICK ? 3 : 4;          // test images per edit
int PER = QUICK ? 2 : 4;        // results per image (different random draws)
SampleOptions OPTS = new SampleOptions(1.5, 0, 0.96, false, 0, false);   // cfg, top_k (0 = off), top_p, more_smooth, seed
double EDIT_CFG = 3.0;
{
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"cfg (in/out-painting, null class)", OPTS.cfg()});
    rows.add(new Object[] {"cfg (class-conditional editing)", EDIT_CFG});
    rows.add(new Object[] {"top_k", OPTS.topK() == 0 ? "off" : Integer.toString(OPTS.topK())});
    rows.add(new Object[] {"top_p", Double.toString(OPTS.topP())});
    rows.add(new Object[] {"more_smooth", Boolean.toString(OPTS.moreSmooth())});
    rows.add(new Object[] {"seed", Long.toString(OPTS.seed())});
    rows.add(new Object[] {"test images x results per edit", N + " x " + PER});
    display("html", Tables.toHtml(Tables.fromRows("zero-shot settings", List.of("setting", "value"),
            rows.stream().map(r -> new Object[] {r[0], String.valueOf(r[1])}).toList())));
}
""")

md("""
## Test images and their tokens

Fashion-MNIST test images (28×28, padded to 32×32, in [-1, 1]), encoded by the tokenizer into their 7 token maps.
Second row: what those tokens decode to (all tokens kept, nothing generated) — the best an edit can do in the kept
region.
""")

code("""
ImageDataset TEST = Datasets.fashionMnist().test();
int[] SPREAD_CLASSES = {0, 2, 5, 8};                // T-shirt/top, Pullover, Sandal, Bag
int[] PICK = new int[N];
for (int i = 0; i < N; i++) PICK[i] = TEST.indicesOfClass(SPREAD_CLASSES[i])[0];
float[] X = TEST.toFloatBatch(PICK, S);             // (N, 32, 32, 1) in [-1, 1]
List<int[]> TOKENS = sampler.encodeToIndices(X, N); // K maps of N * pn^2 ids
List<BufferedImage> ORIGINALS = Images.fromNHWCBatch(X, S, S, 1, ValueRange.MINUS_ONE_ONE);
{
    int[] nullLabels = new int[N];
    Arrays.fill(nullLabels, sampler.nullClass());
    SampleResult recon = ZeroShot.withMask(sampler, TOKENS, nullLabels, Masks.all(PN_LAST), OPTS);
    List<BufferedImage> tiles = new ArrayList<>(ORIGINALS);
    tiles.addAll(SampleFigures.images(recon));
    display(ImageGrid.of(tiles).columns(N).scale(3).rowLabels("test image", "its tokens")
            .columnLabels(Arrays.stream(PICK).mapToObj(i -> NAMES.get(TEST.label(i))).toList()).build());
}
""")

md("""
## The masks, scale by scale

White = the image's tokens are kept, black = generated (on a grey background). Rows: the three kinds of edit below (editing regenerates the
upper half). The 8×8 mask is resized to each scale (bilinear, then > 0.5); 1×1 is always kept.
""")

code("""
float[] KEEP_IN = Masks.invert(Masks.box(PN_LAST, 0.25, 0.75, 0.25, 0.75));  // regenerate the centre box
float[] KEEP_OUT = Masks.box(PN_LAST, 0.25, 0.75, 0.25, 0.75);               // keep the centre box
float[] KEEP_UPPER = Masks.invert(Masks.box(PN_LAST, 0, 0.5, 0, 1));         // regenerate the upper half
{
    List<BufferedImage> tiles = new ArrayList<>();
    for (float[] keep : List.of(KEEP_IN, KEEP_OUT, KEEP_UPPER)) {
        List<float[]> maps = Masks.forceMaps(keep, PNS);
        for (int k = 0; k < PNS.K(); k++) {
            tiles.add(Images.resize(Images.fromNHWC(maps.get(k), 0, PNS.pn(k), PNS.pn(k), 1, ValueRange.ZERO_ONE), 48, 48));
        }
    }
    display(ImageGrid.of(tiles).columns(PNS.K()).padding(4).background(new java.awt.Color(0xB0B0B0))
            .rowLabels("in-painting", "out-painting", "editing")
            .columnLabels(Arrays.stream(PNS.toArray()).mapToObj(p -> p + "x" + p).toList()).build());
}
""")

md("""
## In-painting

The centre box (red in the second column) is regenerated, unconditionally. Every result column is another random
draw (the images are repeated `PER` times in one batch, so one seed gives `PER` different results).
""")

code("""
{
    long t = System.nanoTime();
    SampleResult r = ZeroShot.inpaint(sampler, ZeroShot.repeat(TOKENS, N, PER, PNS), N * PER, KEEP_IN, OPTS);
    System.out.println(String.format(Locale.ROOT, "%d in-paintings in %.1f s (%s)", r.n(), (System.nanoTime() - t) / 1e9,
            OPTS.label()));
    display(SampleFigures.editPanels(ORIGINALS, KEEP_IN, PN_LAST, r, PER,
            "in-painting: red box regenerated, null class (" + OPTS.label() + ", seed " + OPTS.seed() + ")", 3));
}
""")

md("""
## Out-painting

Only the centre box is kept; the border (red) is regenerated, unconditionally: the model has to invent the rest of
the garment around its middle. At this resolution that middle is little more than a patch of texture (the 2×2 scale
is regenerated too, only the 1×1 token is kept whole), so the results often become another kind of garment with a
similar centre.
""")

code("""
{
    long t = System.nanoTime();
    SampleResult r = ZeroShot.outpaint(sampler, ZeroShot.repeat(TOKENS, N, PER, PNS), N * PER, KEEP_OUT, OPTS);
    System.out.println(String.format(Locale.ROOT, "%d out-paintings in %.1f s (%s)", r.n(),
            (System.nanoTime() - t) / 1e9, OPTS.label()));
    display(SampleFigures.editPanels(ORIGINALS, KEEP_OUT, PN_LAST, r, PER,
            "out-painting: red border regenerated, null class (" + OPTS.label() + ", seed " + OPTS.seed() + ")", 3));
}
""")

md("""
## Class-conditional editing

The region is regenerated **as another class**, with guidance `EDIT_CFG`: the upper half of sneakers as *Ankle
boot* (the boot's shaft has to grow out of the sole that was kept), and the upper half of sandals as *Sneaker* (the
straps become a closed shoe). Editing works when the kept part fits the new class: a sole suits both. (With the
trained models, regenerating the lower half of T-shirts as *Dress* mostly gave longer T-shirts: the kept short sleeves
outweigh the class.)
""")

code("""
SampleResult editAs(int fromClass, float[] keep, int toClass) {
    int[] idx = Arrays.copyOf(TEST.indicesOfClass(fromClass), N);
    float[] x = TEST.toFloatBatch(idx, S);
    List<int[]> tokens = ZeroShot.repeat(sampler.encodeToIndices(x, N), N, PER, PNS);
    long t = System.nanoTime();
    SampleResult r = ZeroShot.edit(sampler, tokens, N * PER, keep, toClass, OPTS.withCfg(EDIT_CFG));
    System.out.println(String.format(Locale.ROOT, "%d edits %s -> %s in %.1f s", r.n(), NAMES.get(fromClass),
            NAMES.get(toClass), (System.nanoTime() - t) / 1e9));
    display(SampleFigures.editPanels(Images.fromNHWCBatch(x, S, S, 1, ValueRange.MINUS_ONE_ONE), keep, PN_LAST, r, PER,
            NAMES.get(fromClass) + ": red regenerated as " + NAMES.get(toClass) + " (" + OPTS.withCfg(EDIT_CFG).label()
                    + ", seed " + OPTS.seed() + ")", 3));
    return r;
}
""")

code("""
{
    editAs(7, KEEP_UPPER, 9);   // Sneaker, upper half -> Ankle boot
}
""")

code("""
{
    editAs(5, KEEP_UPPER, 7);   // Sandal, upper half -> Sneaker
}
""")

code("""
String varUsed = sampler.varConfig().depth() + "-block VAR";
sampler.close();
System.out.println(String.format(Locale.ROOT, "notebook cells ran in %.1f s (quick mode: %s, %s)",
        (System.nanoTime() - T0) / 1e9, QUICK, varUsed));
""")


def main():
    write("05-zero-shot.ipynb", "zeroshot")


if __name__ == "__main__":
    main()
