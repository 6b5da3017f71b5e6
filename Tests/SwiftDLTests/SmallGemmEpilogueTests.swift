import XCTest

@testable import SwiftDL
@testable import SwiftDLAVX2
@testable import SwiftDLAVX512

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// The small product's epilogue (SwiftDLAVX512/SmallGemmEpilogue.swift) against the product
/// without it followed by the bias and clamp in scalar code: column counts through every
/// kernel (32-, 24- and 16-wide tiles, the staged last columns), row counts with a staged
/// last group, with and without bias and residual, a plain ReLU and a ReLU6, and NaN kept.
final class SmallGemmEpilogueTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.current.hasAVX512Kernels, "the kernel needs AVX-512 (Skylake-X level)")
    }

    private func values(_ count: Int, seed: Int) -> [Float] {
        var random = TestRandom(UInt64(seed))
        return (0..<count).map { _ in Float(random.double(-2, 2)) }
    }

    private func product(
        m: Int, n: Int, k: Int, a: [Float], b: [Float], epilogue: SmallGemmEpilogue?
    ) -> [Float] {
        var c = [Float](repeating: -7, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    smallGemmAVX512(
                        m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!,
                        ldc: n, accumulate: false, epilogue: epilogue)
                }
            }
        }
        return c
    }

    func testEpilogueMatchesTheProductThenBiasAndClamp() {
        for m in [7, 8, 17] {
            for n in [5, 16, 24, 32, 40, 56, 70] {
                for k in [1, 16, 27] {
                    var a = values(m * k, seed: m * 7 + k)
                    a[k] = .nan // row 1 is NaN throughout: the clamp must keep it
                    let b = values(k * n, seed: n * 3 + k), bias = values(n, seed: n)
                    let residual = values(m * n, seed: m + n)
                    let plain = product(m: m, n: n, k: k, a: a, b: b, epilogue: nil)
                    for top: Float? in [nil, .infinity, 1] {
                        for (withBias, withResidual) in [(false, false), (true, false), (false, true), (true, true)] {
                            let clamp = top.map { ReluClamp(top: $0) }
                            let got = bias.withUnsafeBufferPointer { pb in
                                residual.withUnsafeBufferPointer { pr in
                                    product(
                                        m: m, n: n, k: k, a: a, b: b,
                                        epilogue: SmallGemmEpilogue(
                                            bias: withBias ? pb.baseAddress : nil, clamp: clamp,
                                            residual: withResidual ? pr.baseAddress : nil, residualStride: n))
                                }
                            }
                            for i in 0..<m {
                                for j in 0..<n {
                                    // The same sum, one more rounding for the bias, one for the
                                    // residual after the clamp: identical bits.
                                    let sum = plain[i * n + j] + (withBias ? bias[j] : 0)
                                    let clamped = top.map { sum < 0 ? 0 : sum > $0 ? $0 : sum } ?? sum
                                    let expected = clamped + (withResidual ? residual[i * n + j] : 0)
                                    let value = got[i * n + j]
                                    if expected.isNaN ? !value.isNaN : value != expected {
                                        XCTFail(
                                            "m \(m) n \(n) k \(k) top \(String(describing: top)) bias \(withBias) "
                                                + "residual \(withResidual): C[\(i), \(j)] = \(value), expected \(expected)"
                                        )
                                        return
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
#endif
