// Vectorised float32 math for the engine's unary kernel: exp, sigmoid built on it, tanh and log,
// eight lanes at a time, within 2 ulp of libm's expf over the whole float range,
// including overflow to +inf, gradual underflow to subnormals and 0, and NaN.
//
// Why a separate module: Swift has no per-function target attributes, and the engine is
// built for baseline x86-64 (SSE2). This module is compiled for Haswell (AVX2 and FMA:
// x86-64-v3), so its code runs on 8-lane registers with fused multiply-adds. Only the
// `...AVX2` row functions are public and nothing is @inlinable, so no code from here is
// ever inlined or specialised into the engine: the engine calls these entry points only
// after checking the CPU (Kernels/UnaryRows.swift) and keeps libm's scalar path elsewhere.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// a·b + c with one rounding (vfmadd).
@inline(__always)
func multiplyAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> { c.addingProduct(a, b) }

/// e^x, lane by lane (Cephes expf's polynomial, about 1 ulp).
/// x = n·ln2 + r with |r| <= ln2/2; e^r by a degree-7 polynomial; then the result is
/// scaled by 2^n, in two steps so that results below the normal range are rounded once.
@_transparent
func vectorExp(_ input: SIMD8<Float>) -> SIMD8<Float> {
    // Beyond these the result is inf or 0 anyway; clamping keeps n inside the two-step
    // scaling's range (-152...130). NaN lanes pass through (their comparisons are false)
    // and are restored from the input at the end.
    // NOTE: compare-and-select, not clamped(): that calls the standard library's
    // pointwiseMin/Max, which run lane by lane and cost more than the rest together.
    var x = input.replacing(with: -104, where: input .< -104)
    x = x.replacing(with: 89, where: x .> 89)
    // n = round(x / ln2), with the 1.5·2^23 trick: adding it rounds to an integer and leaves
    // that integer in the low mantissa bits (valid while |x / ln2| < 2^22).
    let shifter = SIMD8<Float>(repeating: 12_582_912)
    let shifted = multiplyAdd(x, SIMD8(repeating: 1.442_695_04), shifter)
    let n = shifted - shifter
    let nInt = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    // r = x - n·ln2, ln2 split so that n·ln2High is exact (Cody and Waite).
    var r = multiplyAdd(n, SIMD8(repeating: -0.693_359_375), x)
    r = multiplyAdd(n, SIMD8(repeating: 2.121_944_40e-4), r)
    let r2 = r * r
    var p = SIMD8<Float>(repeating: 1.987_569_150_0e-4)
    p = multiplyAdd(p, r, SIMD8(repeating: 1.398_199_950_7e-3))
    p = multiplyAdd(p, r, SIMD8(repeating: 8.333_451_907_3e-3))
    p = multiplyAdd(p, r, SIMD8(repeating: 4.166_579_589_4e-2))
    p = multiplyAdd(p, r, SIMD8(repeating: 1.666_666_545_9e-1))
    p = multiplyAdd(p, r, SIMD8(repeating: 5.000_000_120_1e-1))
    p = multiplyAdd(p, r2, r) + 1
    // 2^n as 2^half · 2^(n - half), each factor a normal float, so lanes whose 2^n is not
    // normal (subnormal results, or n = 128 just below overflow) are rounded once, and the
    // others are exact: both products are by powers of two and stay normal, so the result
    // is p · 2^n exactly as a one-step scaling gives it.
    // NOTE: no branch to a one-step scaling for the common case: testing whether any lane
    // needs two steps took a horizontal reduction, which the standard library runs as a
    // call lane by lane; it cost more than the rest of the function and kept it from
    // being inlined (softmax spent 60% of its forward pass in that call).
    let half = nInt &>> 1
    let scale1 = unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<Float>.self)
    let scale2 = unsafeBitCast((nInt &- half &+ 127) &<< 23, to: SIMD8<Float>.self)
    let result = p * scale1 * scale2
    return result.replacing(with: input, where: input .!= input)
}

/// 1 / (1 + e^-x), computed as the engine's scalar sigmoid is (e^-|x| on both sides, so
/// nothing overflows).
@inline(__always)
func vectorSigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let negative = x .< 0
    let e = vectorExp(x.replacing(with: -x, where: .!negative))
    let denominator = 1 + e
    let result = (1 / denominator).replacing(with: e / denominator, where: negative)
    return result.replacing(with: x, where: x .!= x)
}

/// tanh, lane by lane (Cephes tanhf, within 2 ulp): x + x³P(x²) below |x| = 0.625, else
/// 1 - 2 / (e^2|x| + 1) with x's sign; ±0 and NaN pass through.
@inline(__always)
func vectorTanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let signBit = SIMD8<UInt32>(repeating: 0x8000_0000)
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    let magnitude = unsafeBitCast(bits & ~signBit, to: SIMD8<Float>.self)
    let z = x * x
    var p = SIMD8<Float>(repeating: -5.704_988_727_45e-3)
    p = multiplyAdd(p, z, SIMD8(repeating: 2.063_908_879_54e-2))
    p = multiplyAdd(p, z, SIMD8(repeating: -5.373_971_555_31e-2))
    p = multiplyAdd(p, z, SIMD8(repeating: 1.333_144_220_36e-1))
    p = multiplyAdd(p, z, SIMD8(repeating: -3.333_328_194_22e-1))
    let small = multiplyAdd(p * z, x, x)
    let large = 1 - 2 / (vectorExp(magnitude + magnitude) + 1)
    let signedLarge = unsafeBitCast(
        unsafeBitCast(large, to: SIMD8<UInt32>.self) | (bits & signBit), to: SIMD8<Float>.self)
    let result = small.replacing(with: signedLarge, where: magnitude .>= 0.625)
    return result.replacing(with: x, where: (x .== 0) .| (x .!= x))
}

/// log, lane by lane (Cephes logf, within 1 ulp): x = m·2^e with m in [√½, √2) read from
/// the bits (subnormals scaled by 2^23 first), log m = f - f²/2 + f³P(f) with f = m - 1,
/// plus e·ln 2 in two parts. 0 → -inf, negatives and NaN → NaN, +inf → +inf.
@inline(__always)
func vectorLog(_ input: SIMD8<Float>) -> SIMD8<Float> {
    let subnormal = input .< Float.leastNormalMagnitude
    let x = input.replacing(with: input * 8_388_608, where: subnormal) // 2^23
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    // The biased exponent as a float without an integer conversion: put it in the low bits
    // of 2^23's mantissa and subtract 2^23.
    let exponentBits = (bits &>> 23) & SIMD8(repeating: 0xff)
    var exponent =
        unsafeBitCast(exponentBits | SIMD8(repeating: 0x4B00_0000), to: SIMD8<Float>.self) - (8_388_608 + 126)
    exponent = exponent.replacing(with: exponent - 23, where: subnormal)
    var m = unsafeBitCast((bits & SIMD8(repeating: 0x007F_FFFF)) | SIMD8(repeating: 0x3F00_0000), to: SIMD8<Float>.self)
    let below = m .< 0.707_106_781_186_547_524
    exponent = exponent.replacing(with: exponent - 1, where: below)
    m = m + m.replacing(with: 0, where: .!below) - 1
    let z = m * m
    var p = SIMD8<Float>(repeating: 7.037_683_629_2e-2)
    p = multiplyAdd(p, m, SIMD8(repeating: -1.151_461_031_0e-1))
    p = multiplyAdd(p, m, SIMD8(repeating: 1.167_699_874_0e-1))
    p = multiplyAdd(p, m, SIMD8(repeating: -1.242_014_084_6e-1))
    p = multiplyAdd(p, m, SIMD8(repeating: 1.424_932_278_7e-1))
    p = multiplyAdd(p, m, SIMD8(repeating: -1.666_805_766_5e-1))
    p = multiplyAdd(p, m, SIMD8(repeating: 2.000_071_476_5e-1))
    p = multiplyAdd(p, m, SIMD8(repeating: -2.499_999_399_3e-1))
    p = multiplyAdd(p, m, SIMD8(repeating: 3.333_333_117_4e-1))
    var y = p * m * z
    y = multiplyAdd(exponent, SIMD8(repeating: -2.121_944_40e-4), y)
    y = multiplyAdd(z, SIMD8(repeating: -0.5), y)
    var result = multiplyAdd(exponent, SIMD8(repeating: 0.693_359_375), m + y)
    result = result.replacing(with: .nan, where: .!(input .> 0)) // negatives, NaN (and 0, next)
    result = result.replacing(with: -.infinity, where: input .== 0)
    return result.replacing(with: .infinity, where: input .== .infinity)
}

/// out[i] = function(x[i]) for i in 0..<count, eight at a time; the last few elements are
/// padded into one vector so they get exactly the same results.
@inline(__always)
func mapRow(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
    _ function: (SIMD8<Float>) -> SIMD8<Float>
) {
    var i = 0
    while i + 8 <= count {
        let v = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(output + i).storeBytes(of: function(v), as: SIMD8<Float>.self)
        i += 8
    }
    if i < count {
        var v = SIMD8<Float>(repeating: 0)
        for lane in 0..<(count - i) { v[lane] = input[i + lane] }
        let result = function(v)
        for lane in 0..<(count - i) { output[i + lane] = result[lane] }
    }
}

/// exp over a contiguous row, compiled for AVX2 and FMA. Only call it on CPUs that have them.
@inline(never)
public func expRowAVX2(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    mapRow(input, output, count: count) { vectorExp($0) }
}

/// sigmoid over a contiguous row, compiled for AVX2 and FMA. Only call it on CPUs that have them.
@inline(never)
public func sigmoidRowAVX2(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    mapRow(input, output, count: count) { vectorSigmoid($0) }
}

/// tanh over a contiguous row, compiled for AVX2 and FMA. Only call it on CPUs that have them.
@inline(never)
public func tanhRowAVX2(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    mapRow(input, output, count: count) { vectorTanh($0) }
}

/// log over a contiguous row, compiled for AVX2 and FMA. Only call it on CPUs that have them.
@inline(never)
public func logRowAVX2(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    mapRow(input, output, count: count) { vectorLog($0) }
}

#endif
