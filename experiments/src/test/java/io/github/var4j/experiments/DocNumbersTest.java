package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers that README.md's headline table and docs/RESULTS.md's checked tables quote equal the
 * committed result files in experiments/results/ (the format: {@link DocNumbers}); and the checker
 * itself refuses disagreements.
 */
class DocNumbersTest {
  private static Path root() {
    return Path.of(System.getProperty("var4j.root", ".."));
  }

  @Test
  void readmeHeadlineNumbersEqualTheResultFiles() throws IOException {
    String readme = Files.readString(root().resolve("README.md"));
    List<DocNumbers.Table> tables = DocNumbers.tables(readme);
    assertFalse(tables.isEmpty(), "README.md has no checked table (<!-- numbers: checked -->)");
    DocNumbers.Table headline = tables.get(0);
    assertEquals(
        List.of(),
        headline.exceptColumns(),
        "every column of the headline table is checked: no number in it may go without a source");
    assertTrue(
        headline.rows().size() >= 7, "the headline table has " + headline.rows().size() + " rows");
    for (DocNumbers.Row row : headline.rows()) {
      assertFalse(
          DocNumbers.numbers(row.text(), List.of()).isEmpty(),
          "README.md:" + row.line() + ": a headline row without numbers");
    }
    assertEquals(List.of(), new DocNumbers(root()).check("README.md", readme));
  }

  @Test
  void resultsDocumentNumbersEqualTheResultFiles() throws IOException {
    String results = Files.readString(root().resolve("docs/RESULTS.md"));
    assertTrue(
        DocNumbers.tables(results).size() >= 12,
        "docs/RESULTS.md lost checked tables: " + DocNumbers.tables(results).size());
    assertEquals(List.of(), new DocNumbers(root()).check("docs/RESULTS.md", results));
  }

  // ---- the checker itself ----

  private static DocNumbers fixture(Path dir) throws IOException {
    Path results = Files.createDirectories(dir.resolve("experiments/results"));
    Files.writeString(
        results.resolve("m.csv"), "metric,value\ntest_loss,2.44569\npsnr_db,25.3328\n");
    Files.writeString(
        results.resolve("t.csv"),
        "name,fid,class_accuracy,images_per_s_1\n"
            + "VAR + CFG,0.891204,0.962900,28.0333\n"
            + "raster AR,1.23591,0.947000,8.41063\n"
            + "x [1 2 3],0.0137893,,1310344\n");
    return new DocNumbers(dir);
  }

  private static String table(String row) {
    return "text\n\n<!-- numbers: checked, except columns 1 -->\n| what | value |\n|---|---|\n"
        + row
        + "\n\nmore text\n";
  }

  @Test
  void agreeingRowsPass(@TempDir Path dir) throws IOException {
    DocNumbers d = fixture(dir);
    String md =
        table(
            "| loss, PSNR, FID, accuracy | 2.446, **25.33 dB**, 0.891 vs 1.236, 96.3 % <!-- src: m.csv:test_loss,"
                + " :psnr_db, t.csv[VAR + CFG]:fid, [raster AR]:fid, [VAR + CFG]:class_accuracy*100 --> |");
    assertEquals(List.of(), d.check("doc", md));
    // a ratio, nested brackets in a row key, thousands separators, an exponent, the paths in full
    String md2 =
        table(
            "| misc | 3.3×, 0.0138, 1,310,344, 1.3e6 <!-- src: t.csv[VAR + CFG]:images_per_s_1 / [raster AR]"
                + ":images_per_s_1, t.csv[x [1 2 3]]:fid, :images_per_s_1,"
                + " experiments/results/t.csv[x [1 2 3]]:images_per_s_1 --> |");
    assertEquals(List.of(), d.check("doc", md2));
  }

  @Test
  void aSourceWithoutFileTakesTheOneBefore(@TempDir Path dir) throws IOException {
    DocNumbers d = fixture(dir);
    // [raster AR] keeps t.csv; the bare :class_accuracy keeps t.csv and [raster AR]
    assertEquals(
        List.of(),
        d.check(
            "doc",
            table(
                "| x | 2.446, 1.236, 94.7 % <!-- src: m.csv:test_loss, t.csv[VAR + CFG]:fid / :fid *"
                    + " [raster AR]:fid, :class_accuracy*100 --> |")));
    // m.csv has no rows: a [ROW] after it is refused, not read from another file
    String p =
        d.check("doc", table("| x | 2.446, 1 <!-- src: m.csv:test_loss, [raster AR]:fid --> |"))
            .get(0);
    assertTrue(p.contains("is a metric,value list: no [ROW]"), p);
    String first = d.check("doc", table("| x | 1 <!-- src: :fid --> |")).get(0);
    assertTrue(first.contains("the first source must name its file"), first);
  }

  @Test
  void aDisagreeingNumberFails(@TempDir Path dir) throws IOException {
    DocNumbers d = fixture(dir);
    List<String> p = d.check("doc", table("| loss | 2.447 <!-- src: m.csv:test_loss --> |"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(
        p.get(0).startsWith("doc:6: 2.447 does not equal m.csv:test_loss = 2.44569"), p.get(0));
    // a fraction shown as a percentage needs the explicit *100
    assertEquals(
        1,
        d.check("doc", table("| acc | 96.3 % <!-- src: t.csv[VAR + CFG]:class_accuracy --> |"))
            .size());
    // more digits than the file justifies are a disagreement too, not a formatting difference
    assertEquals(
        1, d.check("doc", table("| loss | 2.44570 <!-- src: m.csv:test_loss --> |")).size());
    // a sign
    assertEquals(
        1, d.check("doc", table("| loss | −2.446 <!-- src: m.csv:test_loss --> |")).size());
  }

  @Test
  void everyNumberNeedsASourceAndEverySourceANumber(@TempDir Path dir) throws IOException {
    DocNumbers d = fixture(dir);
    List<String> none = d.check("doc", table("| loss | 2.446 |"));
    assertEquals(1, none.size());
    assertTrue(none.get(0).contains("have no source"), none.get(0));
    List<String> fewer =
        d.check("doc", table("| loss | 2.446 and 25.33 <!-- src: m.csv:test_loss --> |"));
    assertTrue(fewer.get(0).contains("2 numbers [2.446, 25.33] but 1 sources"), fewer.get(0));
    List<String> more =
        d.check("doc", table("| loss | 2.446 <!-- src: m.csv:test_loss, :psnr_db --> |"));
    assertTrue(more.get(0).contains("1 numbers [2.446] but 2 sources"), more.get(0));
    // the excepted label column is free; without the exception it is checked as well
    String strict = "<!-- numbers: checked -->\n| a | b |\n|---|---|\n| top-10 rows | x |\n";
    assertEquals(List.of(), d.check("doc", strict.replace("top-10", "top")));
    assertEquals(1, d.check("doc", strict).size());
    // a source comment outside a checked table is refused
    assertEquals(1, d.check("doc", "2.446 <!-- src: m.csv:test_loss -->\n").size());
  }

  @Test
  void unresolvableSourcesAreNamed(@TempDir Path dir) throws IOException {
    DocNumbers d = fixture(dir);
    String noRow = d.check("doc", table("| x | 1 <!-- src: t.csv[VAR]:fid --> |")).get(0);
    assertTrue(noRow.contains("has no row 'VAR'"), noRow);
    String noColumn = d.check("doc", table("| x | 1 <!-- src: t.csv[VAR + CFG]:fidd --> |")).get(0);
    assertTrue(noColumn.contains("has no column 'fidd'"), noColumn);
    String noMetric = d.check("doc", table("| x | 1 <!-- src: m.csv:loss --> |")).get(0);
    assertTrue(noMetric.contains("has no metric 'loss'"), noMetric);
    String ambiguous = d.check("doc", table("| x | 1 <!-- src: t.csv:fid --> |")).get(0);
    assertTrue(ambiguous.contains("has 3 rows: name one as [ROW]"), ambiguous);
    String empty =
        d.check("doc", table("| x | 1 <!-- src: t.csv[x [1 2 3]]:class_accuracy --> |")).get(0);
    assertTrue(empty.contains("empty cell"), empty);
    String noFile = d.check("doc", table("| x | 1 <!-- src: nope.csv:a --> |")).get(0);
    assertTrue(noFile.contains("cannot read"), noFile);
  }

  @Test
  void numbersAreReadAsShown() {
    assertEquals(
        List.of("25.33", "−0.0209", "1,310,344", "1.21e14", "0.049", "3.3"),
        DocNumbers.numbers(
            "| d6 `l1-l2` top-k | 25.33 dB, α = −0.0209 | 1,310,344 | 1.21e14 ± 0.049 | 3.3× [x](a#b-2) |",
            List.of(1)));
    assertEquals(List.of("0.5", "1", "2"), DocNumbers.numbers("| 0.5, 1 and 2 |", List.of()));
    assertTrue(DocNumbers.agrees(new BigDecimal("0.265"), new BigDecimal("0.2645"))); // half up
    assertTrue(DocNumbers.agrees(new BigDecimal("0.264"), new BigDecimal("0.2645"))); // half even
    assertTrue(DocNumbers.agrees(DocNumbers.parse("1.21e14"), new BigDecimal("120883249152000")));
    assertTrue(DocNumbers.agrees(DocNumbers.parse("−0.9992"), new BigDecimal("-0.999178")));
    assertFalse(DocNumbers.agrees(DocNumbers.parse("−0.982"), new BigDecimal("-0.981476")));
  }
}
