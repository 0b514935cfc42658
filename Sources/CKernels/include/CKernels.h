#ifndef TAPEDECK_CKERNELS_H
#define TAPEDECK_CKERNELS_H
#include <stddef.h>

/// Row-wise softmax in place over `rows × cols` (row stride `cols`). With `causal_offset >= 0`,
/// row i only covers columns 0...(causal_offset + i); the rest of the row is set to 0.
void td_softmax_rows(float *x, int rows, int cols, int causal_offset);

/// GELU (erf form) in place.
void td_gelu(float *x, size_t n);

/// log(sum(exp(x))) over n values (-inf entries contribute nothing).
float td_log_sum_exp(const float *x, size_t n);

/// 1 when the AVX2+FMA kernels are in use, 0 for the portable ones. Chosen on first use: the
/// AVX2 ones when the CPU has AVX2 and FMA, unless `TAPEDECK_KERNELS=portable` is set (a replay
/// pins the variant its journal recorded that way) or `td_kernels_force` chose first.
int td_kernels_vectorized(void);

/// 1 when this CPU can run the AVX2+FMA kernels.
int td_kernels_avx2_supported(void);

/// Chooses the variant (1 AVX2, 0 portable) for the rest of the process; returns 0 when the CPU
/// cannot run the one asked for (nothing changes then).
int td_kernels_force(int vectorized);

#endif
