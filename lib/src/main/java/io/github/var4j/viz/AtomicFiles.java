package io.github.var4j.viz;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Atomic file writes: write to a temp file in the target directory, then rename (package-private). */
final class AtomicFiles {
    private AtomicFiles() {}

    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    static void write(Path path, Writer writer) throws IOException {
        if (path == null) throw new IllegalArgumentException("path must not be null");
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        // not Files.createTempFile: that makes the file rw------- ; CREATE_NEW keeps the umask permissions
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + suffix + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                writer.write(out);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
