// SPDX-License-Identifier: MIT
// Which kernel variants this build compiles: the one file that reads the compiler's ISA macros.
// Each optimized variant sits beside its normative `_ref` kernel and is compiled only where its
// MML_ARCH_* switch is 1; the op's prepare picks it when the op's parameters suit it.
// -DMML_KERNELS_REF=1 switches every variant off (benchmarks and tests compare the two).
#ifndef MICROML_NN_KERNELS_MML_ARCH_H
#define MICROML_NN_KERNELS_MML_ARCH_H

#ifndef MML_KERNELS_REF
#define MML_KERNELS_REF 0
#endif

// What the compiler targets (information for the variant switches below).
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define MML_ISA_ARM_DSP 1 // Cortex-M4/M7/M33/M55: SMLAD, SXTB16 (ACLE intrinsics)
#else
#define MML_ISA_ARM_DSP 0
#endif
#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_8M_BASE__)
#define MML_ISA_ARM_SCALAR 1 // Cortex-M0/M0+/M3/M23: no DSP extension
#else
#define MML_ISA_ARM_SCALAR 0
#endif
#if defined(__riscv)
#define MML_ISA_RISCV 1
#else
#define MML_ISA_RISCV 0
#endif
#if defined(__AVX2__)
#define MML_ISA_X86_AVX2 1
#else
#define MML_ISA_X86_AVX2 0
#endif
#if defined(__SSE4_1__)
#define MML_ISA_X86_SSE41 1
#else
#define MML_ISA_X86_SSE41 0
#endif

// The Cortex-M DSP variants (src/nn/kernels/*_arm.c). MML_ARM_DSP_EMULATE=1 builds them on any
// target with portable C stand-ins for the intrinsics (prim_arm.h): the host variant tests
// (tests/c/test_kernels.c) run the very code the Cortex-M4 runs, under the sanitizers.
#if !MML_KERNELS_REF && (MML_ISA_ARM_DSP || (defined(MML_ARM_DSP_EMULATE) && MML_ARM_DSP_EMULATE))
#define MML_ARCH_ARM_DSP 1
#else
#define MML_ARCH_ARM_DSP 0
#endif

// Whether this build has optimized variants at all: at most one ISA's set per build (nn_s8.h maps
// the generic `_opt` names the ops call onto that ISA's functions).
#if MML_ARCH_ARM_DSP
#define MML_ARCH_OPT 1
#else
#define MML_ARCH_OPT 0
#endif

#endif // MICROML_NN_KERNELS_MML_ARCH_H
