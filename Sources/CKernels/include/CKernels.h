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

/// 1 when the AVX2+FMA kernels are in use, 0 for the portable ones.
int td_kernels_vectorized(void);

#endif
