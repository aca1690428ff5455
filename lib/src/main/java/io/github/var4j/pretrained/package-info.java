/**
 * The released checkpoints of the official code: {@link
 * io.github.var4j.pretrained.OfficialCheckpoints} opens {@code vae_ch160v4096z32.pth} and {@code
 * var_d<depth>.pth} (or safetensors files, or var4j model directories exported in that format),
 * derives their configurations from the weights, checks their buffers and builds a sampler.
 */
package io.github.var4j.pretrained;
