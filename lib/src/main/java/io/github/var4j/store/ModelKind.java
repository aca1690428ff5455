package io.github.var4j.store;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.util.Map;

/**
 * What a model directory holds: a name written into its {@code config.json} and the record type of
 * its configuration. Kinds defined in higher layers (a classifier, a raster baseline) are made with
 * {@link #of}.
 *
 * @param name the {@code "kind"} written to and checked in {@code config.json}, e.g. "var"
 * @param configType the configuration record, serialised component by component
 * @param addedKeys components added to the record after model directories were first written, with
 *     the value that a {@code config.json} without them means (read as if it held them)
 */
public record ModelKind<C>(String name, Class<C> configType, Map<String, Object> addedKeys) {
  /**
   * The multi-scale VQ-VAE tokenizer ({@link VqVaeConfig}; weights with official {@code vae_*}
   * names).
   */
  public static final ModelKind<VqVaeConfig> TOKENIZER =
      new ModelKind<>("tokenizer", VqVaeConfig.class, Map.of());

  /**
   * The VAR transformer ({@link VarConfig}; weights with official {@code var_d*} names); models
   * written before {@code adaLN} existed have AdaLN.
   */
  public static final ModelKind<VarConfig> VAR =
      new ModelKind<>("var", VarConfig.class, Map.of("adaLN", true, "randomOrder", false));

  /**
   * The CNN classifier of the sample-quality metrics ({@link ClassifierConfig}; weights {@code
   * stages.i.conv1.weight}, ..., {@code head.weight}).
   */
  public static final ModelKind<ClassifierConfig> CLASSIFIER =
      new ModelKind<>("classifier", ClassifierConfig.class, Map.of());

  public ModelKind {
    if (name == null || !name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("a model kind is a lower-case word, got '" + name + "'");
    }
    if (configType == null) throw new IllegalArgumentException("configType must not be null");
    addedKeys = addedKeys == null ? Map.of() : Map.copyOf(addedKeys);
  }

  /** A kind of another layer, e.g. {@code ModelKind.of("classifier", ClassifierConfig.class)}. */
  public static <C> ModelKind<C> of(String name, Class<C> configType) {
    return new ModelKind<>(name, configType, Map.of());
  }
}
