/// exp written for loops the compiler can vectorise: float32 softmax, cross-entropy and
/// sigmoid spend most of their time in exp, and libm's expf is one call per element.
///
/// NOTE: float32 uses the classic reduction exp(x) = 2ᵏ·exp(r), k = round(x/ln 2),
/// r = x - k·ln 2 in two parts (Cody-Waite, so k·ln2_hi is exact), with a degree-7 Taylor
/// polynomial on |r| ≤ ln2/2 (truncation error < 1e-8 relative). 2ᵏ is built from bits
/// in two halves so subnormal results and overflow to +inf come out right. Accuracy is
/// within 2 ulp of the true value (checked in NNOpsTests); NaN propagates. float64 keeps
/// libm's exp: it is the reference precision and not the hot path.
@inline(__always)
package func vectorExp<T: FloatElement>(_ x: T) -> T {
    if T.self == Float.self {
        return unsafeBitCast(floatExp(unsafeBitCast(x, to: Float.self)), to: T.self)
    }
    return T.exp(x)
}

@inline(__always)
package func floatExp(_ input: Float) -> Float {
    let clamped = Swift.min(Swift.max(input, -104), 89) // beyond these exp is 0 or +inf anyway
    let x = clamped.isNaN ? 0 : clamped // keeps Int32(k) below finite; NaN is restored at the end
    // round(x·log2(e)) by the 1.5·2²³ trick: exact round-to-nearest without a libm call.
    let shifter: Float = 12_582_912
    let k = (x * 1.44269504088896341 + shifter) - shifter
    let r = (x - k * 0.693359375) - k * -2.12194440e-4
    var p: Float = 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let n = Int32(k)
    let half = n >> 1
    let first = Float(bitPattern: UInt32(bitPattern: (half &+ 127) << 23))
    let second = Float(bitPattern: UInt32(bitPattern: ((n &- half) &+ 127) << 23))
    let result = p * first * second
    return input.isNaN ? input : result
}

/// 1/(1 + e⁻ˣ), written with e^-|x| on both sides so it never overflows.
@inline(__always)
package func vectorSigmoid<T: FloatElement>(_ x: T) -> T {
    let e = vectorExp(-Swift.abs(x))
    let s = 1 / (1 + e)
    return x >= 0 ? s : e * s
}
