// Int8 matrix-vector products for the Whisper decoder. A decoding step multiplies one row (a
// few, in beam search) by every decoder weight matrix and the 51,865-row output projection:
// about 48 M weights per token for `base`, read from memory each time, so the step is bound by
// memory bandwidth, not arithmetic. Weights stored as int8 (one scale per output row) are a
// quarter of the bytes. The activations are quantized to int8 range too, with one scale per
// row, so each dot product is an exact integer sum: the AVX2 and portable kernels (and any
// later one) give bit-identical results, whatever order they add in, and the float work after
// the sum is the same scalar code for all of them.
#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

float td_quantize_row_s8(const float *x, int n, int8_t *q, float *scale) {
    float peak = 0;
    for (int i = 0; i < n; i++) { float a = fabsf(x[i]); peak = a > peak ? a : peak; }
    if (peak == 0) {
        for (int i = 0; i < n; i++) q[i] = 0;
        *scale = 0;
        return 0;
    }
    float inverse = 127.0f / peak;
    for (int i = 0; i < n; i++) {
        float v = roundf(x[i] * inverse);
        q[i] = (int8_t)(v > 127 ? 127 : (v < -127 ? -127 : v));
    }
    *scale = peak / 127.0f;
    return peak;
}

void td_quantize_activations_s16(const float *x, int rows, int n, int16_t *q, float *scales) {
    for (int r = 0; r < rows; r++) {
        const float *row = x + (size_t)r * n;
        int16_t *out = q + (size_t)r * n;
        float peak = 0;
        for (int i = 0; i < n; i++) { float a = fabsf(row[i]); peak = a > peak ? a : peak; }
        if (peak == 0) {
            for (int i = 0; i < n; i++) out[i] = 0;
            scales[r] = 0;
            continue;
        }
        float inverse = 127.0f / peak;
        for (int i = 0; i < n; i++) {
            float v = roundf(row[i] * inverse);
            out[i] = (int16_t)(v > 127 ? 127 : (v < -127 ? -127 : v));
        }
        scales[r] = peak / 127.0f;
    }
}

static int32_t dot_portable(const int8_t *w, const int16_t *x, int n) {
    int32_t sum = 0;
    for (int i = 0; i < n; i++) sum += (int32_t)w[i] * (int32_t)x[i];
    return sum;
}

#if defined(__x86_64__)
// 16 weights at a time: sign-extended to int16, multiplied by the int16 activations, adjacent
// products summed into int32 (vpmaddwd; |w·x| ≤ 127², so nothing saturates).
__attribute__((target("avx2,fma")))
static int32_t dot_avx2(const int8_t *w, const int16_t *x, int n) {
    __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + i)));
        __m256i w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + i + 16)));
        a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(w0, _mm256_loadu_si256((const __m256i *)(x + i))));
        a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(w1, _mm256_loadu_si256((const __m256i *)(x + i + 16))));
    }
    __m256i a = _mm256_add_epi32(a0, a1);
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    int32_t sum = _mm_cvtsi128_si32(s);
    for (; i < n; i++) sum += (int32_t)w[i] * (int32_t)x[i];
    return sum;
}
#endif

int32_t td_dot_s8(const int8_t *w, const int16_t *x, int n, int vectorized) {
#if defined(__x86_64__)
    if (vectorized && td_kernels_avx2_supported()) return dot_avx2(w, x, n);
#endif
    return dot_portable(w, x, n);
}

void td_gemv_s8(const int8_t *w, const float *w_scales, const float *bias, int outputs, int inputs,
                const int16_t *x, const float *x_scales, int rows, float *y) {
#if defined(__x86_64__)
    int vector = td_kernels_vectorized();
#else
    int vector = 0;
#endif
    for (int o = 0; o < outputs; o++) {
        const int8_t *row = w + (size_t)o * inputs;
        // Every activation row against this weight row while it is in cache.
        for (int r = 0; r < rows; r++) {
            const int16_t *xr = x + (size_t)r * inputs;
#if defined(__x86_64__)
            int32_t sum = vector ? dot_avx2(row, xr, inputs) : dot_portable(row, xr, inputs);
#else
            int32_t sum = dot_portable(row, xr, inputs);
#endif
            float value = (float)sum * (w_scales[o] * x_scales[r]);
            y[(size_t)r * outputs + o] = bias ? value + bias[o] : value;
        }
    }
}
