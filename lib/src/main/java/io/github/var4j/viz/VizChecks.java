package io.github.var4j.viz;

import java.util.Arrays;

/** Shared argument checks of the viz package (package-private). */
final class VizChecks {
    private VizChecks() {}

    /** patchNums must be non-empty, every entry >= 1, strictly increasing. */
    static void checkPatchNums(int[] patchNums) {
        if (patchNums == null) throw new IllegalArgumentException("patchNums must not be null");
        if (patchNums.length == 0) throw new IllegalArgumentException("patchNums must not be empty");
        for (int k = 0; k < patchNums.length; k++) {
            if (patchNums[k] < 1) {
                throw new IllegalArgumentException("patchNums must be >= 1, got " + Arrays.toString(patchNums));
            }
            if (k > 0 && patchNums[k] <= patchNums[k - 1]) {
                throw new IllegalArgumentException(
                        "patchNums must be strictly increasing, got " + Arrays.toString(patchNums));
            }
        }
    }

    static void checkPositive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }

    /** L = sum_k pn_k^2. */
    static int totalTokens(int[] patchNums) {
        int l = 0;
        for (int pn : patchNums) l += pn * pn;
        return l;
    }
}
