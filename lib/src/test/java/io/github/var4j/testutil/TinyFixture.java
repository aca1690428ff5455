package io.github.var4j.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.quant.QuantizerConfig;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tiny models of the parity fixtures: every value of the manifest's {@code tiny_config} and
 * {@code tiny_derived}, and the one place where the tests build the fixtures' {@link VqVaeConfig},
 * {@link QuantizerConfig} and {@link VarConfig}. Tests take fixture values from here (or from the
 * fixture files and their manifest shapes), never from literals, so that another fixture set made
 * by the same generator passes unchanged.
 *
 * <p>Names follow the manifest: {@code B} images, {@code V} codebook entries, {@code Cvae} latent
 * channels, K = {@code patchNums.length} scales, L = sum pn² tokens.
 *
 * @param seed generator seed of the re-drawn weights
 * @param B batch size of every fixture batch (images, labels, token maps)
 * @param patchNums side of the token map of every scale (VAE quantizer and VAR)
 * @param V codebook size
 * @param Cvae latent channels
 * @param vaeCh VAE base width
 * @param vaeChMult VAE width multiplier per level
 * @param vaeNumResBlocks ResnetBlocks per encoder level
 * @param beta VQ commitment weight
 * @param usingZnorm cosine-distance quantisation (the port supports false only)
 * @param quantResi Phi mixing ratio
 * @param shareQuantResi number of partially shared Phi convolutions
 * @param quantConvKs kernel size of quant_conv / post_quant_conv
 * @param numClasses class labels 0..numClasses-1 (numClasses is the null class)
 * @param depth VAR blocks
 * @param embedDim VAR width C
 * @param numHeads attention heads
 * @param mlpRatio FFN width ratio
 * @param normEps LayerNorm epsilon
 * @param attnL2Norm cosine attention
 * @param sharedAln shared AdaLN of the main VAR fixture (var_saln/ is the shared variant)
 * @param labels class labels of the VAR and inference fixtures, B of them
 * @param cfg classifier-free guidance of the inference fixtures (infer/)
 * @param L total token count
 * @param firstL tokens of scale 0
 * @param imageSize image side in pixels
 * @param vaeDownsample image side / latent side
 * @param beginEnds (K, 2) token range of every scale
 * @param dropPathRates drop-path rate of every block (float32 linspace)
 */
public record TinyFixture(
    long seed,
    int B,
    int[] patchNums,
    int V,
    int Cvae,
    int vaeCh,
    int[] vaeChMult,
    int vaeNumResBlocks,
    double beta,
    boolean usingZnorm,
    double quantResi,
    int shareQuantResi,
    int quantConvKs,
    int numClasses,
    int depth,
    int embedDim,
    int numHeads,
    double mlpRatio,
    double normEps,
    boolean attnL2Norm,
    boolean sharedAln,
    int[] labels,
    double cfg,
    int L,
    int firstL,
    int imageSize,
    int vaeDownsample,
    int[][] beginEnds,
    double[] dropPathRates) {

  /**
   * Keys of {@code tiny_config} that this record maps (a new key must be added here, see {@link
   * #unmappedKeys}).
   */
  public static final Set<String> CONFIG_KEYS =
      Set.of(
          "seed",
          "B",
          "patch_nums",
          "V",
          "Cvae",
          "vae_ch",
          "vae_ch_mult",
          "vae_num_res_blocks",
          "beta",
          "using_znorm",
          "quant_resi",
          "share_quant_resi",
          "quant_conv_ks",
          "num_classes",
          "depth",
          "embed_dim",
          "num_heads",
          "mlp_ratio",
          "norm_eps",
          "attn_l2_norm",
          "shared_aln",
          "labels",
          "cfg");

  /** Keys of {@code tiny_derived} that this record maps. */
  public static final Set<String> DERIVED_KEYS =
      Set.of("L", "first_l", "image_size", "vae_downsample", "begin_ends", "drop_path_rates");

  private static TinyFixture instance;

  /** The tiny configuration of the fixture directory's manifest (parsed once). */
  public static synchronized TinyFixture get() {
    if (instance == null) instance = parse(Fixtures.manifestJson());
    return instance;
  }

  /**
   * Parses {@code tiny_config} and {@code tiny_derived} of a manifest tree; a missing key fails
   * with its name.
   */
  public static TinyFixture parse(JsonNode manifest) {
    JsonNode c = object(manifest, "tiny_config"), d = object(manifest, "tiny_derived");
    int[][] be = new int[field(d, "tiny_derived", "begin_ends").size()][];
    for (int k = 0; k < be.length; k++)
      be[k] = ints(d.get("begin_ends").get(k), "tiny_derived.begin_ends[" + k + "]");
    return new TinyFixture(
        field(c, "tiny_config", "seed").asLong(),
        integer(c, "B"),
        ints(field(c, "tiny_config", "patch_nums"), "tiny_config.patch_nums"),
        integer(c, "V"),
        integer(c, "Cvae"),
        integer(c, "vae_ch"),
        ints(field(c, "tiny_config", "vae_ch_mult"), "tiny_config.vae_ch_mult"),
        integer(c, "vae_num_res_blocks"),
        number(c, "beta"),
        bool(c, "using_znorm"),
        number(c, "quant_resi"),
        integer(c, "share_quant_resi"),
        integer(c, "quant_conv_ks"),
        integer(c, "num_classes"),
        integer(c, "depth"),
        integer(c, "embed_dim"),
        integer(c, "num_heads"),
        number(c, "mlp_ratio"),
        number(c, "norm_eps"),
        bool(c, "attn_l2_norm"),
        bool(c, "shared_aln"),
        ints(field(c, "tiny_config", "labels"), "tiny_config.labels"),
        number(c, "cfg"),
        field(d, "tiny_derived", "L").asInt(),
        field(d, "tiny_derived", "first_l").asInt(),
        field(d, "tiny_derived", "image_size").asInt(),
        field(d, "tiny_derived", "vae_downsample").asInt(),
        be,
        doubles(field(d, "tiny_derived", "drop_path_rates"), "tiny_derived.drop_path_rates"));
  }

  /**
   * Keys of {@code tiny_config} / {@code tiny_derived} in {@code manifest} that this record does
   * not map.
   */
  public static List<String> unmappedKeys(JsonNode manifest) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = object(manifest, "tiny_config").fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!CONFIG_KEYS.contains(k)) out.add("tiny_config." + k);
    }
    for (Iterator<String> it = object(manifest, "tiny_derived").fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!DERIVED_KEYS.contains(k)) out.add("tiny_derived." + k);
    }
    return out;
  }

  // ---- derived values
  // ----------------------------------------------------------------------------------------------

  /** Number of scales. */
  public int K() {
    return patchNums.length;
  }

  /** Side of the token map of scale {@code si}. */
  public int pn(int si) {
    return patchNums[si];
  }

  /** Side of the VAE latent map (= the last patch number). */
  public int latentSide() {
    return imageSize / vaeDownsample;
  }

  /** Tokens of the last scale (pn_last²). */
  public int lastL() {
    return L - beginEnds[K() - 1][0];
  }

  /** Image channels: dimension 1 of the fixture image batch {@code vae/img_B3HW} (B, C, H, W). */
  public static int imageChannels() {
    return (int) Fixtures.shape("vae/img_B3HW.npy")[1];
  }

  /**
   * The patch numbers of the quant10/ fixtures (the quantizer with a real multi-scale schedule),
   * read from the manifest shapes of {@code quant10/idx_s<k>.npy}, (B, pn_k²).
   */
  public static int[] quant10PatchNums() {
    Pattern p = Pattern.compile("quant10/idx_s(\\d+)\\.npy");
    List<String> files = Fixtures.files("quant10/idx_s");
    int[] pns = new int[files.size()];
    boolean[] seen = new boolean[files.size()];
    for (String f : files) {
      Matcher m = p.matcher(f);
      if (!m.matches()) throw new IllegalStateException("unexpected quant10 file name " + f);
      int k = Integer.parseInt(m.group(1));
      if (k >= pns.length || seen[k]) {
        throw new IllegalStateException("quant10/idx_s* are not numbered 0..K-1: " + files);
      }
      long tokens = Fixtures.shape(f)[1];
      int pn = (int) Math.round(Math.sqrt(tokens));
      if ((long) pn * pn != tokens)
        throw new IllegalStateException(f + " holds " + tokens + " tokens, not a square");
      pns[k] = pn;
      seen[k] = true;
    }
    return pns;
  }

  // ---- configurations (the only place the tests build the fixtures' configs)
  // ---------------------------------------

  /** The tiny VQ-VAE (params/vae). */
  public VqVaeConfig vqVaeConfig() {
    if (usingZnorm) {
      throw new IllegalStateException(
          "the fixtures use using_znorm = true, which the port does not support");
    }
    return VqVaeConfig.builder()
        .inChannels(imageChannels())
        .ch(vaeCh)
        .chMult(vaeChMult)
        .numResBlocks(vaeNumResBlocks)
        .zChannels(Cvae)
        .vocabSize(V)
        .patchNums(schedule())
        .beta(beta)
        .quantResi(quantResi)
        .shareQuantResi(shareQuantResi)
        .imageSize(imageSize)
        .build();
  }

  /** The manifest's {@code patch_nums} as the library's schedule type. */
  public ScaleSchedule schedule() {
    return ScaleSchedule.of(patchNums);
  }

  /** The tiny VQ-VAE's quantizer (params/vae, prefix "quantize."). */
  public QuantizerConfig quantizerConfig() {
    return quantizerConfig(patchNums);
  }

  /** The tiny quantizer (V, Cvae, beta, quant_resi, share_quant_resi) with another schedule. */
  public QuantizerConfig quantizerConfig(int[] patchNums) {
    return QuantizerConfig.builder()
        .vocabSize(V)
        .cvae(Cvae)
        .patchNums(ScaleSchedule.of(patchNums))
        .beta(beta)
        .quantResi(quantResi)
        .shareQuantResi(shareQuantResi)
        .build();
  }

  /**
   * The quant10/ quantizer (params/quant10, no prefix): the tiny quantizer with {@link
   * #quant10PatchNums()}.
   */
  public QuantizerConfig quant10QuantizerConfig() {
    return quantizerConfig(quant10PatchNums());
  }

  /**
   * The tiny VAR (params/var). Values the manifest does not list (drop-path rate, condition
   * dropout, init scales) are the official one-knob defaults of {@link VarConfig#ofDepth}; the
   * drop-path rates are checked against {@code tiny_derived.drop_path_rates} by the tests.
   */
  public VarConfig varConfig() {
    VarConfig d = VarConfig.ofDepth(depth, V, Cvae, numClasses, schedule());
    return VarConfig.builder()
        .vocabSize(V)
        .cvae(Cvae)
        .numClasses(numClasses)
        .depth(depth)
        .embedDim(embedDim)
        .numHeads(numHeads)
        .mlpRatio(mlpRatio)
        .dropPathRate(d.dropPathRate())
        .normEps(normEps)
        .condDropRate(d.condDropRate())
        .attnL2Norm(attnL2Norm)
        .sharedAdaLN(sharedAln)
        .patchNums(schedule())
        .initAdaLN(d.initAdaLN())
        .initAdaLNGamma(d.initAdaLNGamma())
        .initHead(d.initHead())
        .initStd(d.initStd())
        .order(d.order())
        .adaLN(d.adaLN())
        .build();
  }

  /** The shared-AdaLN variant of {@link #varConfig()} (params/var_saln + params/var). */
  public VarConfig salnVarConfig() {
    return varConfig().withSharedAdaLN(true);
  }

  // ---- fixture files
  // -----------------------------------------------------------------------------------------------

  /** params/var: the tiny VAR state dict (PyTorch layout). */
  public static StateDict varParams() {
    return Fixtures.stateDict("params/var");
  }

  /** params/vae: the tiny VQ-VAE state dict (PyTorch layout). */
  public static StateDict vaeParams() {
    return Fixtures.stateDict("params/vae");
  }

  /** params/var without the per-block ada_lin, plus the params/var_saln entries. */
  public static StateDict salnVarParams() {
    StateDict base = varParams();
    StateDict out = new StateDict();
    for (String n : base.names()) {
      if (!n.matches("blocks\\.\\d+\\.ada_lin\\..*")) out.put(n, base.get(n));
    }
    StateDict extra = Fixtures.stateDict("params/var_saln");
    for (String n : extra.names()) out.put(n, extra.get(n));
    return out;
  }

  /** var/label_B: the labels of the VAR fixtures, (B). */
  public static int[] labelFile() {
    return Fixtures.ints("var/label_B.npy");
  }

  /** Teacher-forcing input (B, L - firstL, Cvae) = vae/x_BLCv_wo_first_l. */
  public static float[] x() {
    return Fixtures.floats("vae/x_BLCv_wo_first_l.npy");
  }

  /** Targets (B, L) = vae/gt_BL. */
  public static int[] targets() {
    return Fixtures.ints("vae/gt_BL.npy");
  }

  /** A deep copy of a state dict. */
  public static StateDict copy(StateDict sd) {
    StateDict out = new StateDict();
    for (String n : sd.names()) {
      HostTensor t = sd.get(n);
      out.put(n, new HostTensor(t.shape().clone(), t.data().clone()));
    }
    return out;
  }

  // ---- record plumbing
  // ---------------------------------------------------------------------------------------------

  @Override
  public int[] patchNums() {
    return patchNums.clone();
  }

  @Override
  public int[] vaeChMult() {
    return vaeChMult.clone();
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  @Override
  public int[][] beginEnds() {
    int[][] out = new int[beginEnds.length][];
    for (int k = 0; k < out.length; k++) out[k] = beginEnds[k].clone();
    return out;
  }

  @Override
  public double[] dropPathRates() {
    return dropPathRates.clone();
  }

  /**
   * The generator's measured float32-vs-float64 difference of one output ({@code
   * notes.fp32_vs_fp64_maxabs.<key>}, e.g. {@code var_logits}): the size of float32 rounding for
   * this fixture's models and sizes, from which tests scale tolerances between two float32 runs.
   */
  public static double fp32VsFp64(String key) {
    return noteNumber(
        field(object(Fixtures.manifestJson(), "notes"), "notes", "fp32_vs_fp64_maxabs"), key);
  }

  /** A number of the manifest's {@code notes} ({@code notes.<key>}). */
  public static double note(String key) {
    return noteNumber(object(Fixtures.manifestJson(), "notes"), key);
  }

  private static double noteNumber(JsonNode obj, String key) {
    JsonNode n = field(obj, "notes", key);
    if (!n.isNumber())
      throw new IllegalArgumentException("manifest notes." + key + " is not a number: " + n);
    return n.asDouble();
  }

  @Override
  public String toString() {
    return "TinyFixture[seed="
        + seed
        + ", B="
        + B
        + ", patchNums="
        + Arrays.toString(patchNums)
        + ", V="
        + V
        + ", Cvae="
        + Cvae
        + ", vaeCh="
        + vaeCh
        + ", vaeChMult="
        + Arrays.toString(vaeChMult)
        + ", numClasses="
        + numClasses
        + ", depth="
        + depth
        + ", embedDim="
        + embedDim
        + ", numHeads="
        + numHeads
        + ", labels="
        + Arrays.toString(labels)
        + ", cfg="
        + cfg
        + ", L="
        + L
        + ", imageSize="
        + imageSize
        + "]";
  }

  private static JsonNode object(JsonNode root, String key) {
    JsonNode n = root.get(key);
    if (n == null || !n.isObject())
      throw new IllegalArgumentException("manifest has no object '" + key + "'");
    return n;
  }

  private static JsonNode field(JsonNode obj, String where, String key) {
    JsonNode n = obj.get(key);
    if (n == null || n.isNull())
      throw new IllegalArgumentException("manifest " + where + " has no '" + key + "'");
    return n;
  }

  private static int integer(JsonNode c, String key) {
    JsonNode n = field(c, "tiny_config", key);
    if (!n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new IllegalArgumentException(
          "manifest tiny_config." + key + " is not an integer: " + n);
    }
    return n.asInt();
  }

  private static double number(JsonNode c, String key) {
    JsonNode n = field(c, "tiny_config", key);
    if (!n.isNumber())
      throw new IllegalArgumentException("manifest tiny_config." + key + " is not a number: " + n);
    return n.asDouble();
  }

  private static boolean bool(JsonNode c, String key) {
    JsonNode n = field(c, "tiny_config", key);
    if (!n.isBoolean())
      throw new IllegalArgumentException("manifest tiny_config." + key + " is not a boolean: " + n);
    return n.asBoolean();
  }

  private static int[] ints(JsonNode a, String what) {
    if (!a.isArray())
      throw new IllegalArgumentException("manifest " + what + " is not an array: " + a);
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
    return out;
  }

  private static double[] doubles(JsonNode a, String what) {
    if (!a.isArray())
      throw new IllegalArgumentException("manifest " + what + " is not an array: " + a);
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
    return out;
  }
}
