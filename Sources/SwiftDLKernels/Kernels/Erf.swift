#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt, to about 1e-15 relative error, written
/// here so that exact GELU does not depend on what a platform's libm provides.
///
/// NOTE: two expansions, each used where it converges without cancellation:
/// - |x| < 2.5: erf(x) = 2/√π · e^(-x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)); every term is
///   positive, so no digits are lost (the alternating Taylor series loses several near 2).
/// - |x| ≥ 2.5: erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), a continued
///   fraction evaluated by the modified Lentz method; erf = 1 - erfc.
/// Beyond |x| = 6, erfc(x) < 2e-17 and erf is ±1 in double precision.
public func errorFunction(_ x: Double) -> Double {
    if x.isNaN { return x }
    let z = Swift.abs(x)
    if z >= 6 { return x > 0 ? 1 : -1 }
    let twoOverRootPi = 1.1283791670955126
    if z < 2.5 {
        let zz = z * z
        var term = z, sum = z
        var n = 0.0
        while term > sum * 1e-17 {
            n += 1
            term *= 2 * zz / (2 * n + 1)
            sum += term
        }
        let value = twoOverRootPi * exp(-zz) * sum
        return x < 0 ? -value : value
    }
    // erfc by Lentz's method on the continued fraction with partial numerators k/2.
    let tiny = 1e-300
    var f = z, c = z, d = 0.0
    var k = 1.0
    while k < 200 {
        let a = k / 2
        d = z + a * d
        d = d == 0 ? tiny : d
        c = z + a / c
        c = c == 0 ? tiny : c
        d = 1 / d
        let delta = c * d
        f *= delta
        if Swift.abs(delta - 1) < 1e-16 { break }
        k += 1
    }
    let complement = exp(-z * z) / (f * 1.7724538509055159) // √π
    let value = 1 - complement
    return x < 0 ? -value : value
}
