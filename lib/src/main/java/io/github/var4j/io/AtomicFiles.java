package io.github.var4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader never sees a half-written file: write a temp sibling, then rename
 * it over the target. A killed process leaves either the old file or the new one, never a torn one.
 * The one atomic-write helper of var4j.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Writes {@code bytes} to {@code file} atomically, creating parent directories. */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes));
  }

  /** Writes {@code text} (UTF-8) to {@code file} atomically, creating parent directories. */
  public static void writeString(Path file, String text) throws IOException {
    write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Streams the content from {@code writer} into a temp sibling of {@code file}, then renames it
   * onto {@code file}; creates parent directories. The temp file is removed if the writer fails.
   */
  public static void write(Path file, Writer writer) throws IOException {
    if (file == null) throw new IllegalArgumentException("file must not be null");
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) Files.createDirectories(dir);
    // not Files.createTempFile: that makes the file rw------- ; CREATE_NEW keeps the umask
    // permissions
    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
    Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + suffix + ".tmp");
    try {
      try (OutputStream out =
          Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writer.write(out);
      }
      move(tmp, abs);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Renames {@code from} onto {@code to}, atomically where the file system allows it. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a file or a directory with everything below it (nothing if it does not exist). */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
