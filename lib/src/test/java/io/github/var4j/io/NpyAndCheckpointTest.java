package io.github.var4j.io;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Linear;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.TfCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

class NpyAndCheckpointTest {
  @TempDir Path tmp;

  @Test
  void npyRoundTripAndFixtureRead() throws IOException {
    Path f = tmp.resolve("a.npy");
    Npy.writeFloats(f, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6.5f});
    Npy.Array a = Npy.read(f);
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertEquals(6.5f, a.floats()[5]);
    Npy.writeLongs(tmp.resolve("b.npy"), new long[] {3}, new long[] {7, -1, 9});
    assertArrayEquals(new int[] {7, -1, 9}, Npy.read(tmp.resolve("b.npy")).asInts());
    Path fx =
        Path.of(
            System.getProperty("var4j.fixtures"), "params", "vae", "encoder.conv_in.weight.npy");
    Npy.Array w = Npy.read(fx);
    assertArrayEquals(new long[] {32, 3, 3, 3}, w.shape());
    assertEquals(864, w.floats().length);
  }

  @Test
  void truncatedNpyIsAClearError() throws IOException {
    Path f = tmp.resolve("a.npy");
    Npy.writeFloats(f, new long[] {100}, new float[100]);
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length - 10));
    IOException e = assertThrows(IOException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().startsWith("truncated .npy data in "), e.getMessage());
    Files.writeString(f, "garbage");
    assertTrue(
        assertThrows(IOException.class, () -> Npy.read(f))
            .getMessage()
            .startsWith("not a .npy file"));
  }

  @Test
  void checkpointPointerKeepsOneBundleAndAKilledSaveLosesNothing() throws IOException {
    Path dir = tmp.resolve("run"), prefix = dir.resolve("ckpt");
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "head", 4, 3, true);
      TfCheckpoint ck = new TfCheckpoint(ps);
      ps.initialize(s, 1);
      float[] first = ps.stateDict(s).get("head.weight").data();
      ck.save(s, prefix);
      assertEquals(dir.resolve("ckpt-1"), TfCheckpoint.bundle(prefix));
      // a save killed after writing part of bundle 2, before the pointer moved: nothing is lost
      Files.write(Path.of(dir.resolve("ckpt-2") + TfCheckpoint.DATA_SUFFIX), new byte[] {1, 2, 3});
      ps.initialize(s, 2);
      ck.restore(s, prefix);
      assertArrayEquals(first, ps.stateDict(s).get("head.weight").data());
      // the next save writes bundle 2 over the torn files, moves the pointer, deletes bundle 1
      ps.initialize(s, 3);
      float[] third = ps.stateDict(s).get("head.weight").data();
      ck.save(s, prefix);
      assertEquals(dir.resolve("ckpt-2"), TfCheckpoint.bundle(prefix));
      try (var files = Files.list(dir)) {
        assertEquals(
            List.of(
                "ckpt", "ckpt-2" + TfCheckpoint.DATA_SUFFIX, "ckpt-2" + TfCheckpoint.INDEX_SUFFIX),
            files.map(f -> f.getFileName().toString()).sorted().toList());
      }
      ps.initialize(s, 4);
      ck.restore(s, prefix);
      assertArrayEquals(third, ps.stateDict(s).get("head.weight").data());
      // a pointer to missing files is an error that names both
      Files.delete(Path.of(dir.resolve("ckpt-2") + TfCheckpoint.INDEX_SUFFIX));
      assertEquals(
          "checkpoint " + prefix + " names the bundle 'ckpt-2', whose files are missing",
          assertThrows(IOException.class, () -> ck.restore(s, prefix)).getMessage());
      assertFalse(TfCheckpoint.exists(prefix));
    }
  }

  @Test
  void aPlainBundleOfEarlierVersionsRestoresAndIsReplacedByTheNextSave() throws IOException {
    Path dir = tmp.resolve("old"), prefix = dir.resolve("ckpt");
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "head", 4, 3, true);
      TfCheckpoint ck = new TfCheckpoint(ps);
      ps.initialize(s, 1);
      float[] w = ps.stateDict(s).get("head.weight").data();
      ck.save(s, prefix);
      // turn it into the layout of earlier versions: a bundle at the prefix itself, no pointer
      Path b = TfCheckpoint.bundle(prefix);
      Files.delete(prefix);
      for (String suffix : List.of(TfCheckpoint.DATA_SUFFIX, TfCheckpoint.INDEX_SUFFIX)) {
        Files.move(Path.of(b + suffix), Path.of(prefix + suffix));
      }
      assertEquals(prefix, TfCheckpoint.bundle(prefix));
      ps.initialize(s, 2);
      ck.restore(s, prefix);
      assertArrayEquals(w, ps.stateDict(s).get("head.weight").data());
      ck.save(s, prefix);
      try (var files = Files.list(dir)) {
        assertEquals(
            List.of(
                "ckpt", "ckpt-1" + TfCheckpoint.DATA_SUFFIX, "ckpt-1" + TfCheckpoint.INDEX_SUFFIX),
            files.map(f -> f.getFileName().toString()).sorted().toList());
      }
    }
  }

  @Test
  void checkpointRoundTripMismatchAndCorruption() throws IOException {
    Path prefix = tmp.resolve("ckpt/model");
    StateDict saved;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "head", 4, 3, true);
      TfCheckpoint ck = new TfCheckpoint(ps);
      ps.initialize(s, 1);
      saved = ps.stateDict(s);
      ck.save(s, prefix);
      assertTrue(TfCheckpoint.exists(prefix));
      // the pointer file and one bundle, no temp files left behind
      try (var files = Files.list(prefix.getParent())) {
        assertEquals(3, files.count());
      }
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "head", 4, 3, true);
      TfCheckpoint ck = new TfCheckpoint(ps);
      ps.initialize(s, 99);
      ck.restore(s, prefix);
      assertArrayEquals(saved.get("head.weight").data(), ps.stateDict(s).get("head.weight").data());
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "head", 4, 5, true); // another vocabulary
      TfCheckpoint ck = new TfCheckpoint(ps);
      IOException e = assertThrows(IOException.class, () -> ck.restore(s, prefix));
      assertTrue(
          e.getMessage()
              .contains(
                  "does not match this model: 'head.weight' has shape [4, 3] but the model expects [4, 5]"),
          e.getMessage());
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "other", 4, 3, true);
      TfCheckpoint ck = new TfCheckpoint(ps);
      IOException e = assertThrows(IOException.class, () -> ck.restore(s, prefix));
      assertTrue(e.getMessage().contains("does not match this model"), e.getMessage());
    }
    Path data = Path.of(TfCheckpoint.bundle(prefix) + TfCheckpoint.DATA_SUFFIX);
    Files.write(data, new byte[] {1, 2, 3});
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new Linear(ps, "head", 4, 3, true);
      TfCheckpoint ck = new TfCheckpoint(ps);
      IOException e = assertThrows(IOException.class, () -> ck.restore(s, prefix));
      assertTrue(e.getMessage().startsWith("corrupt or unreadable checkpoint"), e.getMessage());
    }
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (Graph g = new Graph();
                  Session s = new Session(g)) {
                ParamStore ps = new ParamStore(Ops.create(g));
                new Linear(ps, "head", 4, 3, true);
                new TfCheckpoint(ps).restore(s, tmp.resolve("nope"));
              }
            });
    assertTrue(e.getMessage().startsWith("checkpoint not found: "), e.getMessage());
  }
}
