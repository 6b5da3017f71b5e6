import XCTest

@testable import SwiftDL

/// conv2dBatchNormInference (the batch norm folded into the convolution) against the two
/// ops it replaces, on every convolution algorithm, with and without a (capped) relu; and
/// its operand checks.
final class ConvBatchNormInferenceTests: XCTestCase {
    private func random(_ shape: [Int], _ dtype: DType, seed: UInt64, low: Double = -2, high: Double = 2) throws
        -> Tensor
    {
        var generator = TestRandom(seed)
        let values = (0..<shape.reduce(1, *)).map { _ in generator.double(low, high) }
        return try makeTensor(values, shape).converted(to: dtype)
    }

    private func doubles(_ tensor: Tensor) throws -> [Double] {
        values(try tensor.converted(to: .float64), as: Double.self)
    }

    func testMatchesConvolutionThenBatchNormOnEveryAlgorithm() throws {
        // (filters, strides, padding, dtype): pointwise, im2col with stride 2, Winograd
        // (float32 3×3 stride 1, channels in eights), one input channel, and float64.
        let cases: [([Int], (Int, Int), Padding, DType)] = [
            ([1, 1, 8, 24], (1, 1), .valid, .float32), ([3, 3, 3, 16], (2, 2), .same, .float32),
            ([3, 3, 8, 16], (1, 1), .same, .float32), ([3, 3, 1, 16], (1, 1), .same, .float32),
            ([3, 3, 4, 5], (1, 2), .valid, .float64),
            // More filter elements than outputs: the outputs are scaled instead of the filters.
            ([3, 3, 16, 32], (2, 2), .valid, .float32), ([3, 3, 8, 24], (2, 2), .valid, .float64),
        ]
        for (index, (shape, strides, padding, dtype)) in cases.enumerated() {
            let seed = UInt64(index * 10)
            let o = shape[3]
            let x = try random([2, 9, 9, shape[2]], dtype, seed: seed + 1)
            let w = try random(shape, dtype, seed: seed + 2)
            let bias = try random([o], dtype, seed: seed + 3)
            let mean = try random([o], dtype, seed: seed + 4)
            let variance = try random([o], dtype, seed: seed + 5, low: 0.2, high: 3)
            let gamma = try random([o], dtype, seed: seed + 6, low: 0.5, high: 2)
            let beta = try random([o], dtype, seed: seed + 7)
            for reluMax: Double? in [nil, .infinity, 6] {
                let fused = try conv2dBatchNormInference(
                    x, w, bias: bias, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: 1e-3,
                    reluMax: reluMax, strides: strides, dilations: (1, 1), padding: padding)
                let convolved = try conv2d(x, w, bias: bias, strides: strides, padding: padding)
                let separate = try fusedBatchNormalization(
                    convolved, axis: -1, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: 1e-3,
                    reluMax: reluMax
                ).output
                XCTAssertEqual(fused.shape, separate.shape)
                let got = try doubles(fused), expected = try doubles(separate)
                // Rounding only: the scale meets the filters before the sums (or, where the
                // outputs are scaled, after them, but in another order than the separate ops).
                let tolerance = (dtype == .float32 ? 1e-4 : 1e-11) * (expected.map(abs).max() ?? 1)
                for i in 0..<expected.count where abs(got[i] - expected[i]) > tolerance {
                    XCTFail(
                        "case \(index), relu \(String(describing: reluMax)): element \(i) is \(got[i]), expected \(expected[i])"
                    )
                    break
                }
                if let reluMax { XCTAssertTrue(got.allSatisfy { $0 >= 0 && $0 <= reluMax }) }
            }
        }
    }

    func testDepthwiseMatchesDepthwiseThenBatchNorm() throws {
        // (filters (KH, KW, C, M), strides, padding, dtype): the AVX2 kernel's 32-, 8- and
        // 1-channel loops (C = 45), a channel multiplier (the portable kernel), and float64.
        let cases: [([Int], (Int, Int), Padding, DType)] = [
            ([3, 3, 45, 1], (1, 1), .same, .float32), ([3, 3, 45, 1], (2, 2), .same, .float32),
            ([3, 3, 3, 2], (1, 1), .valid, .float32), ([3, 3, 4, 1], (2, 1), .same, .float64),
        ]
        for (index, (shape, strides, padding, dtype)) in cases.enumerated() {
            let seed = UInt64(100 + index * 10)
            let o = shape[2] * shape[3]
            let x = try random([2, 7, 8, shape[2]], dtype, seed: seed + 1)
            let w = try random(shape, dtype, seed: seed + 2)
            let bias = try random([o], dtype, seed: seed + 3)
            let mean = try random([o], dtype, seed: seed + 4)
            let variance = try random([o], dtype, seed: seed + 5, low: 0.2, high: 3)
            let gamma = try random([o], dtype, seed: seed + 6, low: 0.5, high: 2)
            for reluMax: Double? in [nil, .infinity, 2] {
                let fused = try depthwiseConv2dBatchNormInference(
                    x, w, bias: bias, mean: mean, variance: variance, gamma: gamma, beta: nil, epsilon: 1e-3,
                    reluMax: reluMax, strides: strides, dilations: (1, 1), padding: padding)
                let convolved = try depthwiseConv2d(x, w, bias: bias, strides: strides, padding: padding)
                let separate = try fusedBatchNormalization(
                    convolved, axis: -1, mean: mean, variance: variance, gamma: gamma, beta: nil, epsilon: 1e-3,
                    reluMax: reluMax
                ).output
                XCTAssertEqual(fused.shape, separate.shape)
                let got = try doubles(fused), expected = try doubles(separate)
                let tolerance = (dtype == .float32 ? 1e-4 : 1e-11) * (expected.map(abs).max() ?? 1)
                for i in 0..<expected.count where abs(got[i] - expected[i]) > tolerance {
                    XCTFail(
                        "depthwise case \(index), relu \(String(describing: reluMax)): element \(i) is \(got[i]), expected \(expected[i])"
                    )
                    break
                }
                if let reluMax { XCTAssertTrue(got.allSatisfy { $0 >= 0 && $0 <= reluMax }) }
            }
        }
    }

    func testBadOperandsThrow() throws {
        let x = try random([1, 5, 5, 2], .float32, seed: 1), w = try random([3, 3, 2, 4], .float32, seed: 2)
        let four = try random([4], .float32, seed: 3, low: 0.5, high: 1)
        func run(mean: Tensor? = nil, variance: Tensor? = nil, epsilon: Double = 1e-3, reluMax: Double? = 6) throws
            -> Tensor
        {
            try conv2dBatchNormInference(
                x, w, bias: nil, mean: mean ?? four, variance: variance ?? four, gamma: nil, beta: nil,
                epsilon: epsilon, reluMax: reluMax, strides: (1, 1), dilations: (1, 1), padding: .valid)
        }
        assertThrows(.value, op: "conv2d_batch_norm", try run(mean: try random([3], .float32, seed: 4)))
        assertThrows(.type, op: "conv2d_batch_norm", try run(variance: try four.converted(to: .float64)))
        assertThrows(.value, op: "conv2d_batch_norm", try run(epsilon: -1))
        assertThrows(.value, op: "conv2d_batch_norm", try run(epsilon: .nan))
        assertThrows(.value, op: "conv2d_batch_norm", try run(reluMax: 0))
        assertThrows(.value, op: "conv2d_batch_norm", try run(reluMax: .nan))
    }
}
