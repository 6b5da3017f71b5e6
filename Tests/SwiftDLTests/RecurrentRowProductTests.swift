import XCTest

@testable import SwiftDL
@testable import SwiftDLAVX512

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// The AVX-512 single-row recurrent product (SwiftDLAVX512/RecurrentRowProduct.swift)
/// against Double loops: widths below, at and past its 256-column block (the 16-column
/// remainder loop alone, the block alone, both), odd unit counts, with and without
/// accumulation, and a guard column past `width` that must not change.
final class RecurrentRowProductTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.current.hasAVX512Kernels, "the kernel needs AVX-512 (Skylake-X level)")
    }

    private func values(_ count: Int, seed: Int) -> [Float] {
        var random = TestRandom(UInt64(seed))
        return (0..<count).map { _ in Float(random.double(-2, 2)) }
    }

    private func check(units: Int, width: Int, accumulate: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let h = values(units, seed: units), u = values(units * width, seed: width + 7)
        let initial = values(width + 1, seed: units + width)
        var z = initial
        h.withUnsafeBufferPointer { ph in
            u.withUnsafeBufferPointer { pu in
                z.withUnsafeMutableBufferPointer { pz in
                    recurrentRowProductAVX512(
                        hidden: ph.baseAddress!, recurrentKernel: pu.baseAddress!, into: pz.baseAddress!,
                        units: units, width: width, accumulate: accumulate)
                }
            }
        }
        XCTAssertEqual(z[width], initial[width], "the element past width changed", file: file, line: line)
        for j in 0..<width {
            var expected = accumulate ? Double(initial[j]) : 0
            var magnitude = abs(expected)
            for k in 0..<units {
                let term = Double(h[k]) * Double(u[k * width + j])
                expected += term
                magnitude += abs(term)
            }
            // One rounding per fused multiply-add: units + 1 roundings of terms at most `magnitude`.
            let tolerance = Double(units + 1) * Double(Float.ulpOfOne) * max(magnitude, 1e-30)
            XCTAssertEqual(
                Double(z[j]), expected, accuracy: tolerance, "units \(units) width \(width) column \(j)", file: file,
                line: line)
        }
    }

    func testWidthsAroundTheBlockWithOddUnits() {
        for width in [16, 48, 256, 272, 528] {
            for units in [1, 3, 17, 64] {
                check(units: units, width: width, accumulate: true)
                check(units: units, width: width, accumulate: false)
            }
        }
    }
}
#endif
