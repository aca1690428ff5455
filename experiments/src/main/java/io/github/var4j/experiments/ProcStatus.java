package io.github.var4j.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory figures of this process from {@code /proc/self/status} (Linux). */
final class ProcStatus {
  private ProcStatus() {}

  /**
   * A {@code kB} field in MB, e.g. {@code VmRSS} (resident now) or {@code VmHWM} (peak resident);
   * -1 where there is none (not Linux).
   */
  static long mb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          String[] f = line.substring(key.length() + 1).trim().split("\\s+");
          return Long.parseLong(f[0]) >> 10;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
