/**
 * The layer for the CLI and the notebooks, above the library core: finding the trained models
 * (environment variables, quick-mode fall-backs; {@link io.github.var4j.app.TrainedModels}) and
 * making the figures of sampling and editing ({@link io.github.var4j.app.SampleFigures}).
 */
package io.github.var4j.app;
