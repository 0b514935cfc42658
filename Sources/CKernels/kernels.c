// Elementwise kernels for the Whisper engine: softmax, GELU, log-sum-exp. OpenBLAS does the
// matrix products; these loops were the next largest cost (the encoder's attention softmax is
// 1500 × 1500 exponentials per head and layer). AVX2+FMA versions are chosen at run time; the
// portable versions use the same formulas.
#include "CKernels.h"
#include <math.h>
#include <float.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Cephes-style expf: e^x = 2^n · e^r, r in [-ln2/2, ln2/2], degree-6 polynomial (≈1 ulp).
static const float kLog2e = 1.44269504088896341f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
static const float kP0 = 1.9875691500e-4f, kP1 = 1.3981999507e-3f, kP2 = 8.3334519073e-3f, kP3 = 4.1665795894e-2f,
                   kP4 = 1.6666665459e-1f, kP5 = 5.0000001201e-1f;
// Abramowitz & Stegun 7.1.26 erf (|error| < 1.5e-7).
static const float kEp = 0.3275911f, kA1 = 0.254829592f, kA2 = -0.284496736f, kA3 = 1.421413741f,
                   kA4 = -1.453152027f, kA5 = 1.061405429f;

static inline float exp_scalar(float x) {
    if (x < -87.3f) return 0.0f;  // as the vector version: below FLT_MIN, flushed
    if (x > 88.3f) x = 88.3f;
    float n = nearbyintf(x * kLog2e);
    float r = x - n * kLn2Hi - n * kLn2Lo;
    float z = r * r;
    float y = ((((kP0 * r + kP1) * r + kP2) * r + kP3) * r + kP4) * r + kP5;
    y = y * z + r + 1.0f;
    return ldexpf(y, (int)n);
}

static inline float gelu_scalar(float x) {
    float u = x * 0.70710678118654752f;
    float a = fabsf(u);
    float t = 1.0f / (1.0f + kEp * a);
    float poly = ((((kA5 * t + kA4) * t + kA3) * t + kA2) * t + kA1) * t;
    float erf_a = 1.0f - poly * exp_scalar(-a * a);
    float erf_u = u < 0 ? -erf_a : erf_a;
    return 0.5f * x * (1.0f + erf_u);
}

static void softmax_rows_scalar(float *x, int rows, int cols, int causal_offset) {
    for (int i = 0; i < rows; i++) {
        float *row = x + (size_t)i * cols;
        int limit = causal_offset >= 0 ? (causal_offset + i + 1 < cols ? causal_offset + i + 1 : cols) : cols;
        float peak = -INFINITY;
        for (int j = 0; j < limit; j++) peak = row[j] > peak ? row[j] : peak;
        float sum = 0;
        for (int j = 0; j < limit; j++) { float e = exp_scalar(row[j] - peak); row[j] = e; sum += e; }
        float inverse = 1.0f / sum;
        for (int j = 0; j < limit; j++) row[j] *= inverse;
        for (int j = limit; j < cols; j++) row[j] = 0;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static inline __m256 exp8(__m256 x) {
    const __m256 invalid = _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), r);
    __m256 z = _mm256_mul_ps(r, r);
    __m256 y = _mm256_fmadd_ps(_mm256_set1_ps(kP0), r, _mm256_set1_ps(kP1));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(kP2));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(kP3));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(kP4));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(kP5));
    y = _mm256_fmadd_ps(y, z, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(invalid, _mm256_mul_ps(y, _mm256_castsi256_ps(e)));
}

__attribute__((target("avx2,fma")))
static float hmax8(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

__attribute__((target("avx2,fma")))
static float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
static void softmax_rows_avx2(float *x, int rows, int cols, int causal_offset) {
    for (int i = 0; i < rows; i++) {
        float *row = x + (size_t)i * cols;
        int limit = causal_offset >= 0 ? (causal_offset + i + 1 < cols ? causal_offset + i + 1 : cols) : cols;
        int j = 0;
        __m256 peak8 = _mm256_set1_ps(-INFINITY);
        for (; j + 8 <= limit; j += 8) peak8 = _mm256_max_ps(peak8, _mm256_loadu_ps(row + j));
        float peak = hmax8(peak8);
        for (; j < limit; j++) peak = row[j] > peak ? row[j] : peak;
        __m256 sum8 = _mm256_setzero_ps(), p8 = _mm256_set1_ps(peak);
        for (j = 0; j + 8 <= limit; j += 8) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), p8));
            _mm256_storeu_ps(row + j, e);
            sum8 = _mm256_add_ps(sum8, e);
        }
        float sum = hsum8(sum8);
        for (; j < limit; j++) { float e = exp_scalar(row[j] - peak); row[j] = e; sum += e; }
        __m256 inverse8 = _mm256_set1_ps(1.0f / sum);
        for (j = 0; j + 8 <= limit; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inverse8));
        float inverse = 1.0f / sum;
        for (; j < limit; j++) row[j] *= inverse;
        for (j = limit; j < cols; j++) row[j] = 0;
    }
}

__attribute__((target("avx2,fma")))
static void gelu_avx2(float *x, size_t n) {
    size_t i = 0;
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 u = _mm256_mul_ps(v, _mm256_set1_ps(0.70710678118654752f));
        __m256 a = _mm256_andnot_ps(sign, u);
        __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(kEp), a, one));
        __m256 poly = _mm256_fmadd_ps(_mm256_set1_ps(kA5), t, _mm256_set1_ps(kA4));
        poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(kA3));
        poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(kA2));
        poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(kA1));
        poly = _mm256_mul_ps(poly, t);
        __m256 erf_a = _mm256_fnmadd_ps(poly, exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(a, a))), one);
        __m256 erf_u = _mm256_or_ps(erf_a, _mm256_and_ps(sign, u));
        _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(one, erf_u)));
    }
    for (; i < n; i++) x[i] = gelu_scalar(x[i]);
}

__attribute__((target("avx2,fma")))
static float log_sum_exp_avx2(const float *x, size_t n) {
    size_t i = 0;
    __m256 peak8 = _mm256_set1_ps(-INFINITY);
    for (; i + 8 <= n; i += 8) peak8 = _mm256_max_ps(peak8, _mm256_loadu_ps(x + i));
    float peak = hmax8(peak8);
    for (; i < n; i++) peak = x[i] > peak ? x[i] : peak;
    if (peak == -INFINITY) return -INFINITY;
    __m256 sum8 = _mm256_setzero_ps(), p8 = _mm256_set1_ps(peak);
    for (i = 0; i + 8 <= n; i += 8) sum8 = _mm256_add_ps(sum8, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), p8)));
    float sum = hsum8(sum8);
    for (; i < n; i++) sum += exp_scalar(x[i] - peak);
    return peak + logf(sum);
}
#endif

#include <stdlib.h>
#include <string.h>

static int vectorized = -1;

int td_kernels_avx2_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int td_kernels_vectorized(void) {
    if (vectorized < 0) {
        const char *asked = getenv("TAPEDECK_KERNELS");
        int portable = asked != NULL && strcmp(asked, "portable") == 0;
        vectorized = !portable && td_kernels_avx2_supported();
    }
    return vectorized;
}

int td_kernels_force(int want) {
    if (want && !td_kernels_avx2_supported()) return 0;
    vectorized = want ? 1 : 0;
    return 1;
}

void td_softmax_rows(float *x, int rows, int cols, int causal_offset) {
#if defined(__x86_64__)
    if (td_kernels_vectorized()) { softmax_rows_avx2(x, rows, cols, causal_offset); return; }
#endif
    softmax_rows_scalar(x, rows, cols, causal_offset);
}

void td_gelu(float *x, size_t n) {
#if defined(__x86_64__)
    if (td_kernels_vectorized()) { gelu_avx2(x, n); return; }
#endif
    for (size_t i = 0; i < n; i++) x[i] = gelu_scalar(x[i]);
}

float td_log_sum_exp(const float *x, size_t n) {
#if defined(__x86_64__)
    if (td_kernels_vectorized()) return log_sum_exp_avx2(x, n);
#endif
    float peak = -INFINITY;
    for (size_t i = 0; i < n; i++) peak = x[i] > peak ? x[i] : peak;
    if (peak == -INFINITY) return -INFINITY;
    float sum = 0;
    for (size_t i = 0; i < n; i++) sum += exp_scalar(x[i] - peak);
    return peak + logf(sum);
}
