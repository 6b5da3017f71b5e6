import XCTest

@testable import SwiftDL
@testable import SwiftDLAVX2
@testable import SwiftDLAVX512

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// The sixteen-lane LSTM cell (SwiftDLAVX512/LSTMCell.swift) against Double math: gates,
/// cell, tanh(cell) and hidden state for pre-activations across the saturating range
/// (±100 reach the exp clamps), a NaN lane that must stay NaN, and the cell updated in place.
final class LSTMCellAVX512Tests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.current.hasAVX512Kernels, "the kernel needs AVX-512 (Skylake-X level)")
    }

    func testMatchesDoubleMathOverTheSaturatingRange() {
        for units in [16, 48] {
            var random = TestRandom(UInt64(units))
            var gates = (0..<(4 * units)).map { _ in Float(random.double(-6, 6)) }
            gates[0] = 100
            gates[units + 1] = -100
            gates[2 * units + 2] = .nan
            let bias = (0..<(4 * units)).map { _ in Float(random.double(-1, 1)) }
            let previous = (0..<units).map { _ in Float(random.double(-3, 3)) }
            let z = zip(gates, bias).map { Double($0) + Double($1) }
            var cell = previous, cellTanh = [Float](repeating: 0, count: units), hidden = cellTanh
            var activations = gates
            activations.withUnsafeMutableBufferPointer { row in
                bias.withUnsafeBufferPointer { b in
                    cell.withUnsafeMutableBufferPointer { c in
                        lstmCellForwardAVX512(
                            gates: row.baseAddress!, bias: b.baseAddress!, previousCell: UnsafePointer(c.baseAddress!),
                            cell: c.baseAddress!, cellTanh: &cellTanh, hidden: &hidden, units: units)
                    }
                }
            }
            let sigmoid = { (x: Double) in 1 / (1 + exp(-x)) }
            for j in 0..<units {
                let i = sigmoid(z[j]), f = sigmoid(z[units + j]), g = tanh(z[2 * units + j])
                let o = sigmoid(z[3 * units + j])
                let c = f * Double(previous[j]) + i * g
                let expected: [(Float, Double)] = [
                    (activations[j], i), (activations[units + j], f), (activations[2 * units + j], g),
                    (activations[3 * units + j], o), (cell[j], c), (cellTanh[j], tanh(c)), (hidden[j], o * tanh(c)),
                ]
                for (index, (got, want)) in expected.enumerated() {
                    if want.isNaN {
                        XCTAssertTrue(got.isNaN, "units \(units) unit \(j) value \(index): NaN expected, got \(got)")
                    } else {
                        XCTAssertEqual(
                            Double(got), want, accuracy: 1e-6 * max(1, abs(want)),
                            "units \(units) unit \(j) value \(index)")
                    }
                }
            }
        }
    }
}
#endif
