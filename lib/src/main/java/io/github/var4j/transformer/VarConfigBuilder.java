package io.github.var4j.transformer;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.util.RecordBuilders;

/**
 * Builds a {@link VarConfig} one named component at a time (see the record's components for their
 * meaning). {@link #build} runs the canonical constructor, so a bad value fails there, with the
 * record's own message; a component that was never set fails with {@link IllegalStateException}.
 */
public final class VarConfigBuilder {
  private int vocabSize;
  private int cvae;
  private int numClasses;
  private int depth;
  private int embedDim;
  private int numHeads;
  private double mlpRatio;
  private double dropPathRate;
  private double normEps;
  private double condDropRate;
  private boolean attnL2Norm;
  private boolean sharedAdaLN;
  private ScaleSchedule patchNums;
  private double initAdaLN;
  private double initAdaLNGamma;
  private double initHead;
  private double initStd;
  private TokenOrder order;
  private Boolean adaLN;
  private int unset = (1 << 19) - 1; // bit i: component i not given yet

  VarConfigBuilder() {}

  public VarConfigBuilder vocabSize(int v) {
    vocabSize = v;
    return given(0);
  }

  public VarConfigBuilder cvae(int v) {
    cvae = v;
    return given(1);
  }

  public VarConfigBuilder numClasses(int v) {
    numClasses = v;
    return given(2);
  }

  public VarConfigBuilder depth(int v) {
    depth = v;
    return given(3);
  }

  public VarConfigBuilder embedDim(int v) {
    embedDim = v;
    return given(4);
  }

  public VarConfigBuilder numHeads(int v) {
    numHeads = v;
    return given(5);
  }

  public VarConfigBuilder mlpRatio(double v) {
    mlpRatio = v;
    return given(6);
  }

  public VarConfigBuilder dropPathRate(double v) {
    dropPathRate = v;
    return given(7);
  }

  public VarConfigBuilder normEps(double v) {
    normEps = v;
    return given(8);
  }

  public VarConfigBuilder condDropRate(double v) {
    condDropRate = v;
    return given(9);
  }

  public VarConfigBuilder attnL2Norm(boolean v) {
    attnL2Norm = v;
    return given(10);
  }

  public VarConfigBuilder sharedAdaLN(boolean v) {
    sharedAdaLN = v;
    return given(11);
  }

  public VarConfigBuilder patchNums(ScaleSchedule v) {
    patchNums = v;
    return given(12);
  }

  public VarConfigBuilder initAdaLN(double v) {
    initAdaLN = v;
    return given(13);
  }

  public VarConfigBuilder initAdaLNGamma(double v) {
    initAdaLNGamma = v;
    return given(14);
  }

  public VarConfigBuilder initHead(double v) {
    initHead = v;
    return given(15);
  }

  public VarConfigBuilder initStd(double v) {
    initStd = v;
    return given(16);
  }

  public VarConfigBuilder order(TokenOrder v) {
    order = v;
    return given(17);
  }

  public VarConfigBuilder adaLN(Boolean v) {
    adaLN = v;
    return given(18);
  }

  private VarConfigBuilder given(int component) {
    unset &= ~(1 << component);
    return this;
  }

  /**
   * The configuration, validated by the canonical constructor.
   *
   * @throws IllegalArgumentException the record's message for a bad value
   * @throws IllegalStateException naming the components that were never set
   */
  public VarConfig build() {
    RecordBuilders.requireAll(VarConfig.class, unset);
    return new VarConfig(
        vocabSize,
        cvae,
        numClasses,
        depth,
        embedDim,
        numHeads,
        mlpRatio,
        dropPathRate,
        normEps,
        condDropRate,
        attnL2Norm,
        sharedAdaLN,
        patchNums,
        initAdaLN,
        initAdaLNGamma,
        initHead,
        initStd,
        order,
        adaLN);
  }
}
