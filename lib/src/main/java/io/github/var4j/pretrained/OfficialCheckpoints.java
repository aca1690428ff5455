package io.github.var4j.pretrained;

import io.github.var4j.data.ImageNetClasses;
import io.github.var4j.io.SafeTensors;
import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The released VAR checkpoints, opened straight from their PyTorch files: the VQ-VAE {@code
 * vae_ch160v4096z32.pth} and the transformers {@code var_d16.pth} … {@code var_d30.pth} (plain
 * state dicts; {@code .safetensors} files with the same names load too).
 *
 * <p>The configurations are read off the state dicts, not assumed: the VAE's widths, levels, res
 * blocks, Cvae, vocabulary and Phi sharing; the VAR's depth, width, heads ({@code scale_mul_1H11}),
 * FFN width, classes and shared AdaLN. What a state dict cannot tell, the scale schedule, is given
 * ({@link ScaleSchedule#px256()} for the released models) and checked against the VAR's token
 * count. The buffers the files carry are checked against what the configuration derives ({@link
 * #checkBuffers}).
 */
public final class OfficialCheckpoints {
  private OfficialCheckpoints() {}

  /** File name of the released VQ-VAE. */
  public static final String VAE_FILE = "vae_ch160v4096z32.pth";

  private static final Pattern VAR_FILE = Pattern.compile("var_d(\\d+)\\.(pth|safetensors)");

  /**
   * Both models, configured and loaded.
   *
   * @param vae the tokenizer's configuration
   * @param vaeWeights its state dict (buffers included)
   * @param var the transformer's configuration
   * @param varWeights its state dict (buffers included)
   * @param vaeFile where the VAE came from
   * @param varFile where the VAR came from
   */
  public record Opened(
      VqVaeConfig vae,
      StateDict vaeWeights,
      VarConfig var,
      StateDict varWeights,
      Path vaeFile,
      Path varFile) {}

  /**
   * The released files in {@code dir}: {@value #VAE_FILE} and {@code var_d<depth>.pth} (the
   * smallest depth there if {@code depth} is null).
   *
   * @return {VAE file, VAR file}
   * @throws IOException naming what is missing and what the directory holds
   */
  public static Path[] find(Path dir, Integer depth) throws IOException {
    if (!Files.isDirectory(dir)) throw new IOException("checkpoint directory not found: " + dir);
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    Path vae = dir.resolve(VAE_FILE);
    if (!Files.isRegularFile(vae)) {
      Path st = dir.resolve(VAE_FILE.replace(".pth", ".safetensors"));
      if (!Files.isRegularFile(st))
        throw new IOException(
            "no " + VAE_FILE + " in " + dir + " (it holds: " + String.join(", ", names) + ")");
      vae = st;
    }
    TreeMap<Integer, Path> vars = new TreeMap<>();
    for (String n : names) {
      Matcher m = VAR_FILE.matcher(n);
      if (m.matches()) vars.putIfAbsent(Integer.parseInt(m.group(1)), dir.resolve(n));
    }
    if (vars.isEmpty())
      throw new IOException(
          "no var_d<depth>.pth in " + dir + " (it holds: " + String.join(", ", names) + ")");
    Path var = depth == null ? vars.firstEntry().getValue() : vars.get(depth);
    if (var == null)
      throw new IOException(
          "no var_d" + depth + ".pth in " + dir + "; depths there: " + vars.keySet());
    return new Path[] {vae, var};
  }

  /** Opens the released files of {@code dir} ({@link #find}) with the 256-px schedule. */
  public static Opened open(Path dir, Integer depth) throws IOException {
    Path[] f = find(dir, depth);
    return open(f[0], f[1], ScaleSchedule.px256());
  }

  /**
   * Opens a VAE and a VAR file ({@code .pth}, zip or legacy, or {@code .safetensors}) trained with
   * the scale schedule {@code patchNums}.
   *
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException naming the file and the problem if a state dict is not a VAE
   *     or a VAR, the two disagree, or a buffer differs from what the configuration derives
   */
  public static Opened open(Path vaeFile, Path varFile, ScaleSchedule patchNums)
      throws IOException {
    StateDict vaeSd = read(vaeFile);
    VqVaeConfig vae = inferVae(vaeSd, patchNums, vaeFile);
    StateDict varSd = read(varFile);
    VarConfig var = inferVar(varSd, vae, varFile);
    checkBuffers(vae, vaeSd, vaeFile);
    checkBuffers(var, varSd, varFile);
    return new Opened(vae, vaeSd, var, varSd, vaeFile, varFile);
  }

  /** A sampler of the opened models (the weights are copied into its graph). */
  public static VarSampler sampler(Opened o) {
    return VarSampler.load(o.var(), o.varWeights(), o.vae(), o.vaeWeights());
  }

  /**
   * A sampler of the released shapes ({@link VqVaeConfig#official()}, {@code
   * VarConfig.ofDepth(depth, 4096, 32, 1000, px256)}) with seeded random weights: for timing and
   * memory where the files are absent.
   */
  public static VarSampler randomSampler(int depth, long seed) {
    VqVaeConfig vae = VqVaeConfig.official();
    VarConfig var =
        VarConfig.ofDepth(
            depth, vae.vocabSize(), vae.zChannels(), ImageNetClasses.COUNT, vae.patchNums());
    return VarSampler.randomVar(var, seed, vae, Tokenizer.initializedStateDict(vae, seed + 1));
  }

  /**
   * Label names for a model of {@code numClasses} classes: ImageNet's short names ({@link
   * ImageNetClasses#shortName}) for 1000 classes, else null ("class c").
   */
  public static List<String> classNames(int numClasses) {
    if (numClasses != ImageNetClasses.COUNT) return null;
    List<String> out = new ArrayList<>(numClasses);
    for (int c = 0; c < numClasses; c++) out.add(ImageNetClasses.shortName(c));
    return out;
  }

  /**
   * The buffers the official VAR registers, derived from the configuration ({@link
   * OfficialBuffers#of(VarConfig)}).
   *
   * @throws IllegalArgumentException for a raster-order model (the official code has none)
   */
  public static Map<String, SafeTensors.Tensor> buffers(VarConfig var) {
    return OfficialBuffers.of(var);
  }

  /** The buffer the official VQ-VAE registers ({@link OfficialBuffers#of(VqVaeConfig)}). */
  public static Map<String, SafeTensors.Tensor> buffers(VqVaeConfig vae) {
    return OfficialBuffers.of(vae);
  }

  /**
   * Writes a var4j model directory as one safetensors file that the official classes load with
   * {@code load_state_dict(..., strict=True)}: official names, PyTorch layouts, float32, plus the
   * buffers they register ({@link #buffers(VarConfig)}, {@link #buffers(VqVaeConfig)}); a
   * classifier (no official counterpart) gets its weights only.
   *
   * @return the number of tensors written
   */
  public static int export(Path modelDir, Path out) throws IOException {
    StateDict sd = ModelDir.weights(modelDir);
    Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
    for (String n : sd.names()) {
      HostTensor h = sd.get(n);
      t.put(n, new SafeTensors.Tensor("F32", h.shape(), h.data(), null));
    }
    String kind = ModelDir.kind(modelDir);
    if (kind.equals(ModelKind.VAR.name())) {
      t.putAll(buffers(ModelDir.config(modelDir, ModelKind.VAR)));
    } else if (kind.equals(ModelKind.TOKENIZER.name())) {
      t.putAll(buffers(ModelDir.config(modelDir, ModelKind.TOKENIZER)));
    }
    SafeTensors.write(out, t);
    return t.size();
  }

  /** A {@code .pth} (the whole file a state dict) or {@code .safetensors} file. */
  public static StateDict read(Path file) throws IOException {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".safetensors")) return StateDict.loadSafeTensors(file);
    if (n.endsWith(".pth") || n.endsWith(".pt") || n.endsWith(".bin"))
      return StateDict.loadPth(file, "");
    throw new IOException(
        "not a checkpoint file (expected .pth, .pt, .bin or .safetensors): " + file);
  }

  /**
   * The VQ-VAE configuration of a state dict, official constants for what it cannot tell (β 0.25,
   * quantResi 0.5) and the given schedule.
   */
  public static VqVaeConfig inferVae(StateDict sd, ScaleSchedule patchNums, Path file) {
    long[] convIn = shape(sd, "encoder.conv_in.weight", file, "a VQ-VAE");
    int ch = (int) convIn[0], in = (int) convIn[1];
    int levels = count(sd, "encoder.down.", ".block.0.conv1.weight");
    int[] chMult = new int[levels];
    for (int i = 0; i < levels; i++) {
      long out = shape(sd, "encoder.down." + i + ".block.0.conv2.weight", file, "a VQ-VAE")[0];
      chMult[i] = (int) (out / ch);
    }
    int resBlocks = count(sd, "encoder.down.0.block.", ".conv1.weight");
    int cvae = (int) shape(sd, "quant_conv.weight", file, "a VQ-VAE")[0];
    int vocab = (int) shape(sd, "quantize.embedding.weight", file, "a VQ-VAE")[0];
    int share;
    if (sd.contains("quantize.quant_resi.qresi.weight")) share = 1;
    else if (sd.contains("quantize.quant_resi.qresi_ls.0.weight"))
      share = count(sd, "quantize.quant_resi.qresi_ls.", ".weight");
    else share = 0;
    int side = patchNums.pn(patchNums.K() - 1) << (levels - 1);
    try {
      return VqVaeConfig.builder()
          .inChannels(in)
          .ch(ch)
          .chMult(chMult)
          .numResBlocks(resBlocks)
          .zChannels(cvae)
          .vocabSize(vocab)
          .patchNums(patchNums)
          .beta(0.25)
          .quantResi(0.5)
          .shareQuantResi(share)
          .imageSize(side)
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks a dimension of a VAR's weights against the VAE's, e.g. "file: the VAR predicts 4096
   * codes (head.weight), the VAE has 512".
   */
  private static void checkAgainstVae(
      Path file, String varDoes, long varDim, String weight, int vaeDim) {
    if (varDim != vaeDim)
      throw new IllegalArgumentException(
          file + ": the VAR " + varDoes + varDim + weight + ", the VAE has " + vaeDim);
  }

  /**
   * The VAR configuration of a state dict: the official one-knob rule ({@link VarConfig#ofDepth})
   * with the widths, heads, FFN and classes the weights show.
   *
   * @throws IllegalArgumentException if the VAR's vocabulary, Cvae or token count disagree with the
   *     VAE
   */
  public static VarConfig inferVar(StateDict sd, VqVaeConfig vae, Path file) {
    long[] head = shape(sd, "head.weight", file, "a VAR");
    long[] word = shape(sd, "word_embed.weight", file, "a VAR");
    long[] cls = shape(sd, "class_emb.weight", file, "a VAR");
    long[] pos = shape(sd, "pos_1LC", file, "a VAR");
    int depth = count(sd, "blocks.", ".attn.mat_qkv.weight");
    int c = (int) word[0];
    checkAgainstVae(file, "predicts ", head[0], " codes (head.weight)", vae.vocabSize());
    checkAgainstVae(file, "embeds Cvae = ", word[1], " (word_embed.weight)", vae.zChannels());
    if (pos[1] != vae.patchNums().L()) {
      throw new IllegalArgumentException(
          file
              + ": the VAR has L = "
              + pos[1]
              + " tokens (pos_1LC), the scale schedule "
              + vae.patchNums()
              + " has "
              + vae.patchNums().L()
              + ": give the schedule it was trained with");
    }
    boolean l2 = sd.contains("blocks.0.attn.scale_mul_1H11");
    int heads = l2 ? (int) sd.get("blocks.0.attn.scale_mul_1H11").shape()[1] : Math.max(1, c / 64);
    long hidden = shape(sd, "blocks.0.ffn.fc1.weight", file, "a VAR")[0];
    VarConfig base =
        VarConfig.ofDepth(
            depth, vae.vocabSize(), vae.zChannels(), (int) cls[0] - 1, vae.patchNums());
    try {
      return base.toBuilder()
          .embedDim(c)
          .numHeads(heads)
          .mlpRatio(hidden / (double) c)
          .attnL2Norm(l2)
          .sharedAdaLN(sd.contains("shared_ada_lin.1.weight"))
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks the buffers of a VQ-VAE state dict ({@link OfficialBuffers#check(VqVaeConfig, StateDict,
   * Path)}).
   */
  public static void checkBuffers(VqVaeConfig vae, StateDict sd, Path file) {
    OfficialBuffers.check(vae, sd, file);
  }

  /**
   * Checks the buffers of a VAR state dict against the configuration ({@link
   * OfficialBuffers#check(VarConfig, StateDict, Path)}).
   */
  public static void checkBuffers(VarConfig var, StateDict sd, Path file) {
    OfficialBuffers.check(var, sd, file);
  }

  private static long[] shape(StateDict sd, String name, Path file, String what) {
    if (!sd.contains(name))
      throw new IllegalArgumentException(
          file
              + " is not "
              + what
              + " state dict: it has no '"
              + name
              + "'"
              + StateDict.nearest(name, sd.names()));
    return sd.get(name).shape();
  }

  /** How many consecutive i from 0 have {@code prefix + i + suffix} in the state dict. */
  private static int count(StateDict sd, String prefix, String suffix) {
    int n = 0;
    while (sd.contains(prefix + n + suffix)) n++;
    return n;
  }
}
