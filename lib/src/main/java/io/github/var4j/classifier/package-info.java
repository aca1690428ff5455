/**
 * A small CNN classifier for the project's images (layer 3): its configuration, graph and a runtime
 * on Java arrays returning penultimate features and class probabilities, the feature network of the
 * sample-quality metrics (docs/DESIGN.md, "Sample-quality metrics").
 */
package io.github.var4j.classifier;
