#ifndef TAPEDECK_CKERNELS_H
#define TAPEDECK_CKERNELS_H
#include <stddef.h>
#include <stdint.h>

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

/// Quantizes `n` floats to int8 with one scale (`*scale` = max|x| / 127, so x ≈ q · scale);
/// returns max|x|. All-zero input gives zeros and scale 0.
float td_quantize_row_s8(const float *x, int n, int8_t *q, float *scale);

/// Each of `rows` rows of `n` floats to int8-range values held as int16 (the kernels' operand
/// width), with one scale per row, as `td_quantize_row_s8`.
void td_quantize_activations_s16(const float *x, int rows, int n, int16_t *q, float *scales);

/// Σ w[i]·x[i] with the AVX2 kernel (`vectorized` 1, when the CPU has it) or the portable one.
int32_t td_dot_s8(const int8_t *w, const int16_t *x, int n, int vectorized);

/// y[r][o] = Σ_i w[o][i] · x[r][i] · w_scales[o] · x_scales[r] (+ bias[o] when not NULL), for
/// `outputs × inputs` int8 weights and `rows × inputs` quantized activations. The sum is exact
/// integer arithmetic, so every kernel variant gives the same bits.
void td_gemv_s8(const int8_t *w, const float *w_scales, const float *bias, int outputs, int inputs,
                const int16_t *x, const float *x_scales, int rows, float *y);

#endif
