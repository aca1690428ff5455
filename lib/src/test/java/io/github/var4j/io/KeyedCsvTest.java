package io.github.var4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyedCsvTest {
  @TempDir Path tmp;
  static final List<String> H = List.of("name", "value", "note");

  @Test
  void roundTripKeepsOrderAndFillsMissingColumns() throws IOException {
    Path csv = tmp.resolve("sub/t.csv");
    assertTrue(KeyedCsv.read(csv, H, "table").isEmpty());
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    rows.put("b", Map.of("name", "b", "value", "2"));
    rows.put("a", Map.of("name", "a", "value", "1", "note", "x"));
    KeyedCsv.write(csv, H, rows);
    assertEquals(List.of("name,value,note", "b,2,", "a,1,x"), Files.readAllLines(csv));
    Map<String, Map<String, String>> back = KeyedCsv.read(csv, H, "table");
    assertEquals(List.of("b", "a"), List.copyOf(back.keySet()));
    assertEquals("", back.get("b").get("note"));
    assertEquals("x", back.get("a").get("note"));
  }

  @Test
  void badFilesAndValuesAreNamed() throws IOException {
    Path csv = tmp.resolve("t.csv");
    Files.writeString(csv, "name,score\na,1\n");
    var e = assertThrows(IOException.class, () -> KeyedCsv.read(csv, H, "recipe table"));
    assertEquals(csv + " is not a recipe table: its header is name,score", e.getMessage());
    Files.writeString(csv, "name,value,note\na,1\n");
    e = assertThrows(IOException.class, () -> KeyedCsv.read(csv, H, "recipe table"));
    assertEquals(
        csv + " has a malformed row (2 fields, the header 3; a value cannot hold a comma): a,1",
        e.getMessage());
    Files.writeString(csv, "name,value,note\na, b,1,x\n"); // a name with a comma
    e = assertThrows(IOException.class, () -> KeyedCsv.read(csv, H, "recipe table"));
    assertEquals(
        csv
            + " has a malformed row (4 fields, the header 3; a value cannot hold a comma): a, b,1,x",
        e.getMessage());
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> KeyedCsv.write(csv, H, Map.of("a", Map.of("name", "a", "note", "x,y"))));
    assertEquals(
        "CSV value of column 'note' contains a comma or line break: 'x,y'", e2.getMessage());
  }
}
