import XCTest

@testable import SwiftDL

#if canImport(Glibc)
import Glibc
#endif

/// Engine-level checks of the nn ops: erf against libm, softmax rows, fused cross-entropy
/// and its gradient, and typed errors instead of traps.
final class NNOpsTests: XCTestCase {
    private func tensor(_ values: [Double], _ shape: [Int]) throws -> Tensor {
        let t = try Tensor.empty(shape, dtype: .float64)
        for (i, v) in values.enumerated() { t.pointer(as: Double.self)[i] = v }
        return t
    }

    private func values(_ t: Tensor) throws -> [Double] {
        let c = try t.converted(to: .float64).contiguous()
        return (0..<c.count).map { c.pointer(as: Double.self)[$0] }
    }

    func testErrorFunctionMatchesLibmAcrossItsRange() {
        var x = -7.0
        while x <= 7.0 {
            XCTAssertEqual(errorFunction(x), erf(x), accuracy: 2e-16 + 1e-15 * abs(erf(x)), "erf(\(x))")
            x += 0.0137
        }
        XCTAssertEqual(errorFunction(0), 0)
        XCTAssertTrue(errorFunction(.nan).isNaN)
    }

    func testVectorExpIsWithinTwoUlpForFloat() {
        var worst: Float = 0
        var x: Float = -103.9
        while x < 88.7 {
            let exact = exp(Double(x))
            let got = floatExp(x)
            let ulp = Float(exact).ulp
            worst = max(worst, Float(abs(Double(got) - exact)) / ulp)
            x += 0.0173
        }
        XCTAssertLessThanOrEqual(worst, 2)
        XCTAssertEqual(floatExp(0), 1)
        XCTAssertEqual(floatExp(89), .infinity)
        XCTAssertEqual(floatExp(-200), 0)
        XCTAssertEqual(floatExp(-.infinity), 0)
        XCTAssertEqual(floatExp(.infinity), .infinity)
        XCTAssertTrue(floatExp(.nan).isNaN)
        XCTAssertEqual(floatExp(-100), Float(exp(-100.0)), accuracy: Float(exp(-100.0)) * 1e-3) // subnormal
    }

    func testSoftmaxRowsSumToOneAndAreStable() throws {
        let x = try tensor([1000, 1001, 1002, -5, 0, 5], [2, 3])
        let y = try values(softmax(x))
        XCTAssertEqual(y[0] + y[1] + y[2], 1, accuracy: 1e-15)
        XCTAssertEqual(y[3] + y[4] + y[5], 1, accuracy: 1e-15)
        XCTAssertEqual(y[2], 1 / (1 + exp(-1) + exp(-2)), accuracy: 1e-15)
    }

    func testSparseCrossEntropyGradientIsSoftmaxMinusOneHot() throws {
        let logits = try tensor([0.5, -1, 2, 0, 0, 0], [2, 3])
        let labels = try Tensor.empty([2], dtype: .int64)
        labels.pointer(as: Int64.self)[0] = 2
        labels.pointer(as: Int64.self)[1] = 0
        let tape = GradientTape()
        tape.enter()
        tape.watch(logits)
        let loss = try sparseSoftmaxCrossEntropy(labels: labels, logits: logits)
        tape.exit()
        let gradient = try values(XCTUnwrap(tape.gradient(of: loss, withRespectTo: [logits])[0]))
        let probabilities = try values(softmax(logits))
        for i in 0..<6 {
            let onehot: Double = (i == 2 || i == 3) ? 1 : 0
            XCTAssertEqual(gradient[i], probabilities[i] - onehot, accuracy: 1e-15)
        }
    }

    func testOutOfRangeLabelIsAValueErrorNotATrap() throws {
        let logits = try tensor([0, 0, 0], [1, 3])
        let labels = try Tensor.empty([1], dtype: .int32)
        labels.pointer(as: Int32.self)[0] = 3
        XCTAssertThrowsError(try sparseSoftmaxCrossEntropy(labels: labels, logits: logits)) { error in
            XCTAssertEqual((error as? SDLError)?.kind, .value)
            XCTAssertTrue((error as? SDLError)?.message.contains("label value of 3") ?? false)
        }
    }

    func testAdamRuleTakesKerasFirstStep() throws {
        let variable = try tensor([1, -2], [2])
        let gradient = try tensor([0.5, -4], [2])
        let m = try Tensor.empty([2], dtype: .float64, zeroed: true),
            v = try Tensor.empty([2], dtype: .float64, zeroed: true)
        try adamUpdate(
            variables: [variable], gradients: [gradient], momentums: [m], velocities: [v], velocityHats: [],
            beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, step: 1,
            options: OptimizerOptions(learningRate: 0.1))
        // Step 1: α = lr·√(1-β₂)/(1-β₁), m = 0.1g, v = 0.001g², so the step is α·0.1g/(√0.001|g| + ε).
        let alpha = 0.1 * (1 - 0.999).squareRoot() / (1 - 0.9)
        let result = try values(variable)
        XCTAssertEqual(result[0], 1 - alpha * 0.05 / ((0.001 * 0.25).squareRoot() + 1e-7), accuracy: 1e-14)
        XCTAssertEqual(result[1], -2 + alpha * 0.4 / ((0.001 * 16).squareRoot() + 1e-7), accuracy: 1e-14)
    }

    func testOptimizerRefusesMismatchedSlots() throws {
        let variable = try tensor([1, 2], [2])
        let gradient = try tensor([1, 2], [2])
        let wrong = try Tensor.empty([3], dtype: .float64, zeroed: true)
        XCTAssertThrowsError(
            try adagradUpdate(
                variables: [variable], gradients: [gradient], accumulators: [wrong], epsilon: 1e-7,
                options: OptimizerOptions(learningRate: 0.1))
        ) { error in
            XCTAssertEqual((error as? SDLError)?.kind, .value)
        }
        XCTAssertThrowsError(
            try adagradUpdate(
                variables: [variable], gradients: [gradient], accumulators: [], epsilon: 1e-7,
                options: OptimizerOptions(learningRate: 0.1)))
    }
}
