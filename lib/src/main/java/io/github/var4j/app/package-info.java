/**
 * The layer for the CLI and the notebooks, above the library core: finding the trained models and
 * the runs that trained them (environment variables, quick-mode fall-backs, the committed copies of
 * the runs' results; {@link io.github.var4j.app.TrainedModels}, {@link
 * io.github.var4j.app.ModelLocation}, {@link io.github.var4j.app.TrainingRecord}) and making the
 * figures of sampling and editing ({@link io.github.var4j.app.SampleFigures}).
 */
package io.github.var4j.app;
