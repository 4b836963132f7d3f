// SPDX-License-Identifier: MIT
// Single-precision math for float kernels, without libm (the core links no math library).
//
// Accuracy, measured against glibc's correctly rounded results over dense sweeps of float inputs
// (tests/c/test_elementwise.c checks sample points against independently computed values):
//   mml__expf   <= 1 ulp   (x in [-103.97, 88.72]; 0 below, +inf above; NaN -> NaN)
//   mml__logf   <= 1 ulp   (x > 0, subnormals included; log(0) = -inf; x < 0 -> NaN)
//   mml__tanhf  <= 4 ulp   (tanh(x) = x for |x| < 2^-12; +-1 for |x| > 9.1)
//   mml__sqrtf  <= 1 ulp   (x >= 0, subnormals included; x < 0 -> NaN)
// All use float arithmetic only (no double), so they are cheap on single-precision FPUs.
// Float kernels stay well within 1e-4 relative of TFLite Micro, which calls std::exp etc.
#ifndef MICROML_CORE_MATHF_H
#define MICROML_CORE_MATHF_H

// e^x.
float mml__expf(float x);
// e^x - 1, accurate near 0 (<= 2 ulp).
float mml__expm1f(float x);
// Natural logarithm.
float mml__logf(float x);
// Hyperbolic tangent.
float mml__tanhf(float x);
// Square root.
float mml__sqrtf(float x);

#endif // MICROML_CORE_MATHF_H
