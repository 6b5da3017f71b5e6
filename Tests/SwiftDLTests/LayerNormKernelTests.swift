import XCTest

@testable import SwiftDL
@testable import SwiftDLAVX2

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// The AVX2 layer-normalisation row kernels (SwiftDLAVX2/LayerNormRows.swift) against plain
/// Double loops, on every width around the vector length and the eight-row groups, and the
/// promise that a row's results do not depend on whether it went in a group of eight.
final class LayerNormKernelTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.current.hasAVX2, "the vector kernels need AVX2 and FMA")
    }

    private let widths = [1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 512, 513, 1000]

    private func values(_ count: Int, seed: Int) -> [Float] {
        var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int(state >> 40) % 2000 - 1000) / 250 + 3
        }
    }

    /// (mean, 1/√(variance + ε)) of each row, in Double.
    private func statistics(_ x: [Float], rows: Int, width n: Int, epsilon: Double) -> [(Double, Double)] {
        (0..<rows).map { row in
            let slice = x[(row * n)..<((row + 1) * n)].map(Double.init)
            let mean = slice.reduce(0, +) / Double(n)
            let variance = slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
            return (mean, 1 / (variance + epsilon).squareRoot())
        }
    }

    func testForwardMatchesDoubleLoops() {
        for n in widths {
            let rows = 19
            let x = values(rows * n, seed: n), gamma = values(n, seed: n + 1), beta = values(n, seed: n + 2)
            var y = [Float](repeating: 0, count: rows * n)
            var mean = [Float](repeating: 0, count: rows), r = [Float](repeating: 0, count: rows)
            layerNormRowsAVX2(
                x, rows: 0..<rows, width: n, epsilon: 1e-3, gamma: gamma, beta: beta, &y, mean: &mean,
                inverseDeviation: &r)
            for (row, (m, s)) in statistics(x, rows: rows, width: n, epsilon: 1e-3).enumerated() {
                XCTAssertEqual(Double(mean[row]), m, accuracy: 1e-5 * Swift.max(1, abs(m)), "width \(n) row \(row)")
                XCTAssertEqual(Double(r[row]), s, accuracy: 1e-5 * s, "width \(n) row \(row)")
                for j in 0..<n {
                    let expected = (Double(x[row * n + j]) - m) * s * Double(gamma[j]) + Double(beta[j])
                    XCTAssertEqual(Double(y[row * n + j]), expected, accuracy: 1e-4, "width \(n) row \(row)")
                }
            }
        }
    }

    func testRowsGiveTheSameResultsInOrOutOfAGroup() {
        for n in [3, 32, 33, 512] {
            let rows = 17
            let x = values(rows * n, seed: n)
            var grouped = [Float](repeating: 0, count: rows * n), shifted = grouped
            layerNormRowsAVX2(
                x, rows: 0..<rows, width: n, epsilon: 1e-6, gamma: nil, beta: nil, &grouped, mean: nil,
                inverseDeviation: nil)
            // From row 1: rows 1...8 and 9...16 go as groups, row 0 alone.
            layerNormRowsAVX2(
                x, rows: 0..<1, width: n, epsilon: 1e-6, gamma: nil, beta: nil, &shifted, mean: nil,
                inverseDeviation: nil)
            layerNormRowsAVX2(
                x, rows: 1..<rows, width: n, epsilon: 1e-6, gamma: nil, beta: nil, &shifted, mean: nil,
                inverseDeviation: nil)
            XCTAssertEqual(grouped, shifted, "width \(n)")
        }
    }

    func testGradientMatchesDoubleLoops() {
        for n in widths {
            let rows = 19
            let x = values(rows * n, seed: n), dy = values(rows * n, seed: n + 3), gamma = values(n, seed: n + 4)
            let stats = statistics(x, rows: rows, width: n, epsilon: 1e-3)
            let mean = stats.map { Float($0.0) }, r = stats.map { Float($0.1) }
            var dx = [Float](repeating: 0, count: rows * n)
            var sums = [Double](repeating: 0, count: 2 * n), scratch = [Float](repeating: 0, count: 2 * n)
            layerNormGradientRowsAVX2(
                x, dy, rows: 0..<rows, width: n, mean: mean, inverseDeviation: r, gamma: gamma, dx: &dx,
                columnSums: &sums, blockSums: &scratch)
            var dgamma = [Double](repeating: 0, count: n), dbeta = dgamma
            for row in 0..<rows {
                let (m, s) = (Double(mean[row]), Double(r[row]))
                let normalized = (0..<n).map { (Double(x[row * n + $0]) - m) * s }
                let g = (0..<n).map { Double(dy[row * n + $0]) * Double(gamma[$0]) }
                let offset = g.reduce(0, +) / Double(n)
                let slope = zip(g, normalized).reduce(0) { $0 + $1.0 * $1.1 } / Double(n)
                for j in 0..<n {
                    let expected = s * (g[j] - offset - normalized[j] * slope)
                    XCTAssertEqual(Double(dx[row * n + j]), expected, accuracy: 1e-3, "width \(n) row \(row)")
                    dgamma[j] += Double(dy[row * n + j]) * normalized[j]
                    dbeta[j] += Double(dy[row * n + j])
                }
            }
            for j in 0..<n {
                XCTAssertEqual(sums[j], dgamma[j], accuracy: 1e-3, "dgamma, width \(n)")
                XCTAssertEqual(sums[n + j], dbeta[j], accuracy: 1e-3, "dbeta, width \(n)")
            }
        }
    }
}
#endif
