package io.github.var4j.app;

import io.github.var4j.io.Npy;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the golden files of {@link CommittedModelsGoldenTest} from this machine's sampler, after
 * an intended change of the samples (then update the README beside the files):
 *
 * <pre>
 * mvn -B -q -pl lib test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.var4j.app.GoldenSamplesWriter -Dvar4j.root=$PWD
 * </pre>
 */
public final class GoldenSamplesWriter {
  private GoldenSamplesWriter() {}

  public static void main(String[] args) throws IOException {
    Path dir = CommittedModelsGoldenTest.golden();
    Files.createDirectories(dir);
    try (VarSampler s = CommittedModelsGoldenTest.open()) {
      for (int i = 0; i < CommittedModelsGoldenTest.OPTIONS.size(); i++) {
        SampleResult r =
            s.sampleClasses(
                CommittedModelsGoldenTest.PER_CLASS, CommittedModelsGoldenTest.OPTIONS.get(i));
        int[] t = CommittedModelsGoldenTest.tokensNL(r);
        long[] tl = new long[t.length];
        for (int j = 0; j < t.length; j++) tl[j] = t[j];
        Npy.writeLongs(
            dir.resolve("tokens_" + i + ".npy"), new long[] {r.n(), r.patchNums().L()}, tl);
        Npy.writeFloats(
            dir.resolve("images_" + i + ".npy"),
            new long[] {r.n(), r.imageSize(), r.imageSize(), r.channels()},
            r.images());
        System.out.println("wrote golden " + i + ": " + CommittedModelsGoldenTest.OPTIONS.get(i));
      }
    }
  }
}
