package io.github.var4j.data;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ImageNetClassesTest {
  @Test
  void theOfficialDemoClassesHaveTheirNames() {
    assertEquals(1000, ImageNetClasses.names().size());
    assertEquals("tench, Tinca tinca", ImageNetClasses.name(0));
    assertEquals("golden retriever", ImageNetClasses.name(207));
    assertEquals("otter", ImageNetClasses.name(360));
    assertEquals("lesser panda", ImageNetClasses.shortName(387));
    assertEquals("geyser", ImageNetClasses.name(974));
    assertEquals("macaw", ImageNetClasses.name(88));
    assertEquals("valley", ImageNetClasses.shortName(979));
    assertEquals("balloon", ImageNetClasses.name(417));
    assertEquals("Arctic fox", ImageNetClasses.shortName(279));
    assertEquals("toilet tissue", ImageNetClasses.shortName(999));
    var e = assertThrows(IllegalArgumentException.class, () -> ImageNetClasses.name(1000));
    assertEquals("ImageNet class id must be in 0..999, got 1000", e.getMessage());
  }
}
