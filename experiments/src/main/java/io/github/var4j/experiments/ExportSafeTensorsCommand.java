package io.github.var4j.experiments;

import io.github.var4j.app.OfficialCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a model directory as one safetensors file: official state-dict names, PyTorch layouts,
 * float32, plus the buffers the official classes register, so that {@code load_state_dict(...,
 * strict=True)} accepts it ({@link OfficialCheckpoints#export}).
 */
@Command(
    name = "export-safetensors",
    mixinStandardHelpOptions = true,
    description =
        "Write a model directory's weights as safetensors (official names, PyTorch layouts, F32).")
public final class ExportSafeTensorsCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "a model directory")
  Path model;

  @Option(names = "--out", required = true, description = "the .safetensors file to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    int n = OfficialCheckpoints.export(model, out);
    System.out.printf(
        "[export-safetensors] %d tensors of %s (weights and official buffers) -> %s (%,d bytes)%n",
        n, model, out, Files.size(out));
    return 0;
  }
}
