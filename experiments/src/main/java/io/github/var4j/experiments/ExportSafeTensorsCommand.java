package io.github.var4j.experiments;

import io.github.var4j.pretrained.OfficialCheckpoints;
import io.github.var4j.store.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes a model directory as one safetensors file: official state-dict names, PyTorch layouts,
 * float32, plus the buffers the official classes register, so that {@code load_state_dict(...,
 * strict=True)} accepts it ({@link OfficialCheckpoints#export}).
 */
@Command(name = "export-safetensors")
public final class ExportSafeTensorsCommand extends Var4jCommand {

  @Mixin ModelArgs models = new ModelArgs();

  @Option(names = "--classifier", paramLabel = "DIR")
  Path classifier;

  @Mixin OutputArgs output = new OutputArgs();

  @Option(names = "--out", paramLabel = "FILE")
  Path out;

  @Override
  Integer run() throws Exception {
    List<String> picked = Check.givenOf(spec, "--var", "--tokenizer", "--classifier");
    Check.that(picked.size() <= 1, "export one model: give one of " + String.join(", ", picked));
    String which = picked.isEmpty() ? "--var" : picked.get(0);
    Path model;
    switch (which) {
      case "--tokenizer" -> {
        models.tokenizerConfig();
        model = models.tokenizer;
      }
      case "--classifier" -> {
        Check.model("--classifier", classifier, ModelKind.CLASSIFIER, true, "");
        model = classifier;
      }
      default -> {
        models.varConfig();
        model = models.var;
      }
    }
    Path file =
        output.file(
            out, "safetensors", model.toAbsolutePath().normalize().getFileName() + ".safetensors");
    int n = OfficialCheckpoints.export(model, file);
    System.out.printf(
        "[export-safetensors] %d tensors of %s (weights and official buffers) -> %s (%,d bytes)%n",
        n, model, file, Files.size(file));
    return 0;
  }
}
