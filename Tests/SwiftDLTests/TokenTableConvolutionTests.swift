import XCTest

@testable import SwiftDL

/// tokenTableConvolution against a plain loop over the table's rows (Double sums), on the
/// float32 register path (channels in sixteens) and the generic one, with padding,
/// stride, dilation, bias and relu; and its operand checks.
final class TokenTableConvolutionTests: XCTestCase {
    private func random(_ shape: [Int], _ dtype: DType, seed: UInt64) throws -> Tensor {
        var generator = TestRandom(seed)
        let values = (0..<shape.reduce(1, *)).map { _ in generator.double(-2, 2) }
        return try makeTensor(values, shape).converted(to: dtype)
    }

    private func doubles(_ tensor: Tensor) throws -> [Double] {
        values(try tensor.converted(to: .float64), as: Double.self)
    }

    func testMatchesLoopOverTheTable() throws {
        // (channels, dtype, stride, dilation, pads, relu, bias)
        let cases: [(Int, DType, Int, Int, (Int, Int), Bool, Bool)] = [
            (32, .float32, 3, 1, (0, 0), true, true), (16, .float32, 1, 2, (3, 1), false, false),
            (5, .float32, 2, 1, (2, 2), true, false), (7, .float64, 4, 1, (0, 5), true, true),
        ]
        let (vocabulary, taps, rows, length) = (9, 4, 3, 17)
        for (index, (channels, dtype, stride, dilation, pads, relu, withBias)) in cases.enumerated() {
            let seed = UInt64(index * 10)
            let table = try random([vocabulary, taps, channels], dtype, seed: seed)
            let bias = withBias ? try random([channels], dtype, seed: seed + 1) : nil
            var generator = TestRandom(seed + 2)
            let idValues = (0..<rows * length).map { _ in Double(Int(generator.double(0, Double(vocabulary) - 0.01))) }
            let ids = try makeTensor(idValues, [rows, length]).converted(to: .int32)
            let y = try tokenTableConvolution(
                ids: ids, table: table, bias: bias, relu: relu, stride: stride, dilation: dilation, padLeft: pads.0,
                padRight: pads.1)
            let width = (length + pads.0 + pads.1 - dilation * (taps - 1) - 1) / stride + 1
            XCTAssertEqual(y.shape, [rows, width, channels])
            let p = try doubles(table), b = try bias.map(doubles), got = try doubles(y)
            for r in 0..<rows {
                for t in 0..<width {
                    for o in 0..<channels {
                        var sum = b?[o] ?? 0
                        for k in 0..<taps {
                            let position = stride * t + dilation * k - pads.0
                            if position < 0 || position >= length { continue }
                            sum += p[(Int(idValues[r * length + position]) * taps + k) * channels + o]
                        }
                        if relu { sum = max(sum, 0) }
                        let value = got[(r * width + t) * channels + o]
                        XCTAssertEqual(value, sum, accuracy: dtype == .float32 ? 1e-5 : 1e-12, "case \(index)")
                    }
                }
            }
        }
    }

    func testRefusesBadOperands() throws {
        let table = try random([4, 3, 2], .float32, seed: 1)
        func run(_ idValues: [Double], _ shape: [Int], padLeft: Int = 0) throws {
            _ = try tokenTableConvolution(
                ids: try makeTensor(idValues, shape).converted(to: .int64), table: table, bias: nil, relu: false,
                stride: 1, dilation: 1, padLeft: padLeft, padRight: 0)
        }
        XCTAssertThrowsError(try run([0, 1, 4, 2], [1, 4])) // id past the table
        XCTAssertThrowsError(try run([0, -1, 3, 2], [1, 4])) // negative id
        XCTAssertThrowsError(try run([0, 1], [1, 2])) // shorter than the window
        XCTAssertNoThrow(try run([0, 1], [1, 2], padLeft: 1))
        XCTAssertThrowsError(try run([0, 1, 2], [3])) // rank 1
        XCTAssertThrowsError(
            try tokenTableConvolution(
                ids: try makeTensor([0, 1, 2], [1, 3]).converted(to: .int64), table: table,
                bias: try random([3], .float32, seed: 2), relu: false, stride: 1, dilation: 1, padLeft: 0, padRight: 0)
        )
    }
}
