import XCTest

@testable import SwiftDL

/// fusedBatchNormalizationGradients (the gradients of a training fused batch norm from its
/// input, output and statistics) against the op's own VJP on a tape: the same kernels on the
/// same operands, so the same values; and its operand checks.
final class FusedBatchNormGradientsTests: XCTestCase {
    private func random(_ shape: [Int], _ dtype: DType, seed: UInt64, scale: Double = 3) throws -> Tensor {
        var generator = TestRandom(seed)
        let values = (0..<shape.reduce(1, *)).map { _ in generator.double(-scale, scale) + 1 }
        return try makeTensor(values, shape).converted(to: dtype)
    }

    private func doubles(_ tensor: Tensor) throws -> [Double] {
        values(try tensor.converted(to: .float64), as: Double.self)
    }

    func testMatchesTheOpsVJP() throws {
        for dtype in [DType.float32, .float64] {
            for reluMax in [nil, Double.infinity, 6] as [Double?] {
                for (shape, axis) in [([4, 5, 5, 6], -1), ([3, 4, 5], 1)] {
                    let channels = shape[(axis + shape.count) % shape.count]
                    let x = try random(shape, dtype, seed: 1)
                    let gamma = try random([channels], dtype, seed: 2), beta = try random([channels], dtype, seed: 3)
                    let dy = try random(shape, dtype, seed: 4)
                    let tape = GradientTape()
                    for t in [x, gamma, beta] { tape.watch(t) }
                    tape.enter()
                    let forward = try fusedBatchNormalization(
                        x, axis: axis, mean: nil, variance: nil, gamma: gamma, beta: beta, epsilon: 1e-3,
                        reluMax: reluMax)
                    tape.exit()
                    let wanted = try tape.gradient(
                        of: forward.output, withRespectTo: [x, gamma, beta], outputGradient: dy)
                    let got = try fusedBatchNormalizationGradients(
                        x: x, output: forward.output, outputGradient: dy, axis: axis, mean: forward.mean,
                        variance: forward.variance, gamma: gamma, epsilon: 1e-3, reluMax: reluMax)
                    for (a, b) in zip([got.x, got.gamma, got.beta], wanted) {
                        XCTAssertEqual(
                            try doubles(a), try doubles(XCTUnwrap(b)), "\(dtype) \(String(describing: reluMax))")
                    }
                }
            }
        }
    }

    func testBadOperandsThrow() throws {
        let x = try random([4, 3], .float32, seed: 5)
        let mean = try random([3], .float32, seed: 6), variance = try random([3], .float32, seed: 7)
        func gradients(_ dy: Tensor, y: Tensor?, mean: Tensor, reluMax: Double?) throws {
            _ = try fusedBatchNormalizationGradients(
                x: x, output: y, outputGradient: dy, axis: -1, mean: mean, variance: variance, gamma: nil,
                epsilon: 1e-3, reluMax: reluMax)
        }
        XCTAssertThrowsError(try gradients(try random([4, 2], .float32, seed: 8), y: x, mean: mean, reluMax: nil))
        XCTAssertThrowsError(try gradients(x, y: nil, mean: mean, reluMax: 6))
        XCTAssertThrowsError(try gradients(x, y: try random([4, 2], .float32, seed: 9), mean: mean, reluMax: 6))
        XCTAssertThrowsError(try gradients(x, y: x, mean: try random([2], .float32, seed: 10), reluMax: nil))
        XCTAssertThrowsError(try gradients(x, y: x, mean: mean, reluMax: 0))
    }
}
