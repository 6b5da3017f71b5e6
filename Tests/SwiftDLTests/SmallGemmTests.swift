import XCTest

@testable import SwiftDL
@testable import SwiftDLAVX512

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// The AVX-512 small product (SwiftDLAVX512/SmallGemm.swift) against Double loops: row counts
/// around its groups of eight, column counts around its 32- and 16-wide panels and the staged
/// last columns, leading dimensions wider than the operands, accumulation into C, and the
/// promise that a row's result does not depend on which rows it was computed with.
final class SmallGemmTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.current.hasAVX512Kernels, "the kernel needs AVX-512 (Skylake-X level)")
    }

    private func values(_ count: Int, seed: Int) -> [Float] {
        var random = TestRandom(UInt64(seed))
        return (0..<count).map { _ in Float(random.double(-2, 2)) }
    }

    /// C = A·B (+ C) with padding columns in every operand (leading dimensions 3, 5 and 2
    /// wider than needed) whose values must neither be read into nor changed by the product;
    /// A stored k×m when `transposedA`, B stored n×k when `transposedB`.
    private func check(
        m: Int, n: Int, k: Int, accumulate: Bool, transposedA: Bool = false, transposedB: Bool = false,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let lda = (transposedA ? m : k) + 3, ldb = (transposedB ? k : n) + 5, ldc = n + 2
        let a = values((transposedA ? max(k, 1) : m) * lda, seed: m * 31 + k)
        let b = values((transposedB ? n : max(k, 1)) * ldb, seed: n * 17 + k)
        let initial = values(m * ldc, seed: m + n + k)
        var c = initial
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    smallGemmAVX512(
                        m: m, n: n, k: k, a: pa.baseAddress!, lda: lda, transposedA: transposedA, b: pb.baseAddress!,
                        ldb: ldb, transposedB: transposedB, c: pc.baseAddress!, ldc: ldc, accumulate: accumulate)
                }
            }
        }
        let elementA = { (i: Int, p: Int) in Double(transposedA ? a[p * lda + i] : a[i * lda + p]) }
        let elementB = { (p: Int, j: Int) in Double(transposedB ? b[j * ldb + p] : b[p * ldb + j]) }
        for i in 0..<m {
            for j in 0..<ldc {
                let got = c[i * ldc + j]
                if j >= n {
                    XCTAssertEqual(
                        got, initial[i * ldc + j], "padding of C changed at (\(i), \(j))", file: file, line: line)
                    continue
                }
                var expected = accumulate ? Double(initial[i * ldc + j]) : 0
                var magnitude = abs(expected)
                for p in 0..<k {
                    let term = elementA(i, p) * elementB(p, j)
                    expected += term
                    magnitude += abs(term)
                }
                // One rounding per multiply-add: k + 1 roundings of terms no larger than `magnitude`.
                let tolerance = Double(k + 1) * Double(Float.ulpOfOne) * max(magnitude, 1e-30)
                if abs(Double(got) - expected) > tolerance {
                    XCTFail(
                        "m \(m) n \(n) k \(k) acc \(accumulate) tA \(transposedA) tB \(transposedB): C[\(i), \(j)] = \(got), "
                            + "expected \(expected)", file: file, line: line)
                    return
                }
            }
        }
    }

    func testProductsMatchDoubleLoopsAroundEveryPanelAndGroupBoundary() {
        for m in [1, 7, 8, 9, 15, 16, 17, 33] {
            for n in [1, 5, 15, 16, 17, 24, 31, 32, 33, 48, 50, 56, 64, 70, 88] {
                for k in [1, 2, 27, 64] {
                    check(m: m, n: n, k: k, accumulate: false)
                    check(m: m, n: n, k: k, accumulate: true)
                }
            }
        }
    }

    func testTransposedOperands() {
        for (m, n, k) in [(8, 16, 5), (13, 33, 27), (40, 70, 64), (64, 24, 200)] {
            for (transposedA, transposedB) in [(true, false), (false, true), (true, true)] {
                check(m: m, n: n, k: k, accumulate: false, transposedA: transposedA, transposedB: transposedB)
                check(m: m, n: n, k: k, accumulate: true, transposedA: transposedA, transposedB: transposedB)
            }
        }
    }

    func testBlocksOfRowsForLongRows() {
        // k = 9000 makes row blocks of eight (65,536 / k), so many blocks and a staged last one.
        check(m: 21, n: 40, k: 9000, accumulate: false)
        check(m: 300, n: 19, k: 300, accumulate: true)
    }

    func testRowsGiveTheSameBitsAloneOrInGroups() {
        // The same chain of multiply-adds whether a row is in a group of eight, staged, or alone.
        let (m, n, k) = (13, 45, 37)
        let a = values(m * k, seed: 1), b = values(k * n, seed: 2)
        var whole = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                whole.withUnsafeMutableBufferPointer { pc in
                    smallGemmAVX512(
                        m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!,
                        ldc: n, accumulate: false)
                }
                for row in 0..<m {
                    var single = [Float](repeating: 0, count: n)
                    single.withUnsafeMutableBufferPointer { pc in
                        smallGemmAVX512(
                            m: 1, n: n, k: k, a: pa.baseAddress! + row * k, lda: k, b: pb.baseAddress!, ldb: n,
                            c: pc.baseAddress!, ldc: n, accumulate: false)
                    }
                    XCTAssertEqual(single, Array(whole[(row * n)..<((row + 1) * n)]), "row \(row)")
                }
            }
        }
    }
}
#endif
