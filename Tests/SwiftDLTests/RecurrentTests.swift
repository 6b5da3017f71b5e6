import XCTest

@testable import SwiftDL

/// The whole-sequence recurrent ops against naive loops of Keras's formulas, and their
/// single-node VJPs against finite differences in float64.
final class RecurrentTests: XCTestCase {
    // MARK: - Helpers

    private var seed: UInt64 = 0x9E37_79B9_7F4A_7C15

    private func values(_ count: Int, scale: Double = 0.5) -> [Double] {
        (0..<count).map { _ in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(seed >> 11) / Double(1 << 53) * 2 - 1) * scale
        }
    }

    private func tensor(_ shape: [Int], _ data: [Double], dtype: DType = .float64) throws -> Tensor {
        let t = try Tensor.empty(shape, dtype: .float64)
        for (i, v) in data.enumerated() { t.pointer(as: Double.self)[i] = v }
        return try t.converted(to: dtype)
    }

    private func random(_ shape: [Int], dtype: DType = .float64) throws -> Tensor {
        try tensor(shape, values(shape.reduce(1, *)), dtype: dtype)
    }

    private func array(_ t: Tensor) throws -> [Double] {
        let d = try t.converted(to: .float64).contiguous()
        return (0..<d.count).map { d.pointer(as: Double.self)[$0] }
    }

    private func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Keras's LSTM, one step at a time over plain arrays. Returns (sequence by step, h, c).
    private func referenceLSTM(
        x: [Double], w: [Double], u: [Double], b: [Double], h0: [Double], c0: [Double],
        batch: Int, time: Int, features: Int, units: Int, backwards: Bool
    ) -> ([Double], [Double], [Double]) {
        var h = h0, c = c0, sequence = [Double](repeating: 0, count: batch * time * units)
        let width = 4 * units
        for s in 0..<time {
            let t = backwards ? time - 1 - s : s
            var newH = h, newC = c
            for n in 0..<batch {
                var z = [Double](repeating: 0, count: width)
                for k in 0..<width {
                    var sum = b[k]
                    for f in 0..<features { sum += x[(n * time + t) * features + f] * w[f * width + k] }
                    for j in 0..<units { sum += h[n * units + j] * u[j * width + k] }
                    z[k] = sum
                }
                for j in 0..<units {
                    let i = sigmoid(z[j]), f = sigmoid(z[units + j]), g = tanh(z[2 * units + j]),
                        o = sigmoid(z[3 * units + j])
                    newC[n * units + j] = f * c[n * units + j] + i * g
                    newH[n * units + j] = o * tanh(newC[n * units + j])
                    sequence[(n * time + s) * units + j] = newH[n * units + j]
                }
            }
            h = newH
            c = newC
        }
        return (sequence, h, c)
    }

    private func assertClose(
        _ a: [Double], _ b: [Double], tolerance: Double, _ message: String = "", line: UInt = #line
    ) {
        XCTAssertEqual(a.count, b.count, message, line: line)
        for (x, y) in zip(a, b) where abs(x - y) > tolerance * (1 + abs(y)) {
            XCTFail("\(message): \(x) vs \(y)", line: line)
            return
        }
    }

    // MARK: - Forward

    func testLSTMMatchesReferenceInBothDTypesAndDirections() throws {
        let (batch, time, features, units) = (3, 5, 4, 6)
        let x = values(batch * time * features), w = values(features * 4 * units), u = values(units * 4 * units)
        let b = values(4 * units), h0 = values(batch * units), c0 = values(batch * units)
        for dtype in [DType.float32, .float64] {
            for backwards in [false, true] {
                let result = try lstm(
                    tensor([batch, time, features], x, dtype: dtype),
                    kernel: tensor([features, 4 * units], w, dtype: dtype),
                    recurrentKernel: tensor([units, 4 * units], u, dtype: dtype),
                    bias: tensor([4 * units], b, dtype: dtype),
                    initialHidden: tensor([batch, units], h0, dtype: dtype),
                    initialCell: tensor([batch, units], c0, dtype: dtype),
                    returnSequences: true, goBackwards: backwards)
                let (sequence, h, c) = referenceLSTM(
                    x: x, w: w, u: u, b: b, h0: h0, c0: c0, batch: batch, time: time,
                    features: features, units: units, backwards: backwards)
                let tolerance = dtype == .float32 ? 1e-5 : 1e-12
                assertClose(try array(result.outputs), sequence, tolerance: tolerance, "\(dtype.name) outputs")
                assertClose(try array(result.hidden), h, tolerance: tolerance, "\(dtype.name) h")
                assertClose(try array(result.cell), c, tolerance: tolerance, "\(dtype.name) c")
            }
        }
    }

    func testFloatActivationsAreAccurate() {
        var x: Float = -30
        while x < 30 {
            XCTAssertEqual(Float.gateSigmoid(x), 1 / (1 + expf(-x)), accuracy: 2e-7 * max(1, 1 / (1 + expf(-x))))
            XCTAssertEqual(Float.gateTanh(x), tanhf(x), accuracy: 2e-7)
            x += 0.0137
        }
        XCTAssertTrue(Float.gateSigmoid(.nan).isNaN)
        XCTAssertEqual(Float.gateSigmoid(-1000), 0, accuracy: 1e-30)
        XCTAssertEqual(Float.gateTanh(1000), 1)
        XCTAssertEqual(Float.gateTanh(-.infinity), -1)
    }

    // MARK: - Gradients

    /// Checks d(loss)/d(operand) from the tape against central differences, where
    /// loss = Σ weights·outputs over every output of `run`.
    private func checkGradients(
        _ operands: [Tensor], _ run: ([Tensor]) throws -> [Tensor], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let probes = try run(operands).map { try random($0.shape) }
        func loss(_ outputs: [Tensor]) throws -> Tensor {
            var total: Tensor? = nil
            for (output, probe) in zip(outputs, probes) {
                let term = try differentiableReduce(
                    .sum, differentiableBinary(.multiply, output, probe), axes: nil, keepdims: false)
                total = try total.map { try differentiableBinary(.add, $0, term) } ?? term
            }
            return total!
        }
        let tape = GradientTape()
        tape.enter()
        for operand in operands { tape.watch(operand) }
        let target = try loss(run(operands))
        tape.exit()
        XCTAssertEqual(
            tape.recordedCount, 1 + 2 * probes.count + (probes.count - 1), "one node for the sequence", file: file,
            line: line)
        let analytic = try tape.gradient(of: target, withRespectTo: operands)
        let epsilon = 1e-6
        for (index, operand) in operands.enumerated() {
            guard let gradient = analytic[index] else {
                XCTFail("no gradient for operand \(index)", file: file, line: line); continue
            }
            let computed = try array(gradient)
            let data = operand.pointer(as: Double.self)
            for i in 0..<operand.count {
                let saved = data[i]
                data[i] = saved + epsilon
                let plus = try array(loss(run(operands)))[0]
                data[i] = saved - epsilon
                let minus = try array(loss(run(operands)))[0]
                data[i] = saved
                let numeric = (plus - minus) / (2 * epsilon)
                if abs(numeric - computed[i]) > 1e-6 * (1 + abs(numeric)) {
                    XCTFail(
                        "operand \(index) element \(i): analytic \(computed[i]) vs numeric \(numeric)", file: file,
                        line: line)
                    break
                }
            }
        }
    }

    func testLSTMGradientsMatchFiniteDifferences() throws {
        let (batch, time, features, units) = (2, 4, 3, 3)
        for (sequences, backwards) in [(true, false), (false, true)] {
            let operands = try [
                random([batch, time, features]), random([features, 4 * units]), random([units, 4 * units]),
                random([4 * units]), random([batch, units]), random([batch, units]),
            ]
            try checkGradients(operands) { o in
                let r = try lstm(
                    o[0], kernel: o[1], recurrentKernel: o[2], bias: o[3], initialHidden: o[4], initialCell: o[5],
                    returnSequences: sequences, goBackwards: backwards)
                return [r.outputs, r.hidden, r.cell]
            }
        }
    }

    func testMaskedLSTMGradientsMatchFiniteDifferences() throws {
        let (batch, time, features, units) = (3, 5, 2, 2)
        let mask = try Tensor.empty([batch, time], dtype: .bool)
        let keep: [Bool] = [
            false, false, true, false, true, false, false, false, false, false, true, true, true, false, false,
        ]
        for (i, value) in keep.enumerated() { mask.pointer(as: Bool.self)[i] = value }
        for sequences in [true, false] {
            let operands = try [
                random([batch, time, features]), random([features, 4 * units]), random([units, 4 * units]),
                random([4 * units]), random([batch, units]), random([batch, units]),
            ]
            try checkGradients(operands) { o in
                let r = try lstm(
                    o[0], kernel: o[1], recurrentKernel: o[2], bias: o[3], initialHidden: o[4], initialCell: o[5],
                    mask: mask, returnSequences: sequences)
                return [r.outputs, r.hidden, r.cell]
            }
        }
    }

    func testGRUGradientsMatchFiniteDifferences() throws {
        let (batch, time, features, units) = (2, 4, 3, 3)
        for (sequences, backwards) in [(true, false), (false, true)] {
            let operands = try [
                random([batch, time, features]), random([features, 3 * units]), random([units, 3 * units]),
                random([2, 3 * units]), random([batch, units]),
            ]
            try checkGradients(operands) { o in
                let r = try gru(
                    o[0], kernel: o[1], recurrentKernel: o[2], bias: o[3], initialHidden: o[4],
                    returnSequences: sequences, goBackwards: backwards)
                return [r.outputs, r.hidden]
            }
        }
    }

    func testSimpleRNNGradientsMatchFiniteDifferences() throws {
        let (batch, time, features, units) = (2, 4, 3, 3)
        for (sequences, backwards) in [(true, false), (false, true)] {
            let operands = try [
                random([batch, time, features]), random([features, units]), random([units, units]),
                random([units]), random([batch, units]),
            ]
            try checkGradients(operands) { o in
                let r = try simpleRNN(
                    o[0], kernel: o[1], recurrentKernel: o[2], bias: o[3], initialHidden: o[4],
                    returnSequences: sequences, goBackwards: backwards)
                return [r.outputs, r.hidden]
            }
        }
    }

    // MARK: - Batch slices across threads

    /// Runs forward and backward of each op at a size that the kernels split across threads,
    /// with one thread and with two, and expects the same numbers.
    func testBatchSlicesOnSeveralThreadsMatchOneThread() throws {
        let (batch, time, features, units) = (17, 64, 5, 48)
        let pool = ThreadPool.shared, saved = pool.threadCount
        defer { pool.setThreadCount(saved) }
        for gates in [4, 3, 1] {
            let operands = try [
                random([batch, time, features]), random([features, gates * units]), random([units, gates * units]),
                random(gates == 3 ? [2, 3 * units] : [gates * units]), random([batch, units]), random([batch, units]),
            ]
            func run() throws -> [[Double]] {
                let tape = GradientTape()
                tape.enter()
                for operand in operands { tape.watch(operand) }
                var outputs: [Tensor]
                switch gates {
                case 4:
                    let r = try lstm(
                        operands[0], kernel: operands[1], recurrentKernel: operands[2], bias: operands[3],
                        initialHidden: operands[4], initialCell: operands[5], returnSequences: true)
                    outputs = [r.outputs, r.hidden, r.cell]
                case 3:
                    let r = try gru(
                        operands[0], kernel: operands[1], recurrentKernel: operands[2], bias: operands[3],
                        initialHidden: operands[4], returnSequences: true, goBackwards: true)
                    outputs = [r.outputs, r.hidden]
                default:
                    let r = try simpleRNN(
                        operands[0], kernel: operands[1], recurrentKernel: operands[2], bias: operands[3],
                        initialHidden: operands[4], returnSequences: true)
                    outputs = [r.outputs, r.hidden]
                }
                let loss = try differentiableReduce(
                    .sum, differentiableUnary(.square, outputs[0]), axes: nil, keepdims: false)
                tape.exit()
                let used = gates == 4 ? operands : Array(operands.prefix(5))
                return try outputs.map(array) + tape.gradient(of: loss, withRespectTo: used).map { try array($0!) }
            }
            pool.setThreadCount(1)
            let single = try run()
            pool.setThreadCount(2)
            let parallel = try run()
            for (a, b) in zip(single, parallel) { assertClose(a, b, tolerance: 1e-12, "gates \(gates)") }
        }
    }

    // MARK: - Bad input

    func testBadShapesAndDTypesThrowWithTheExpectedLayout() throws {
        let x = try random([2, 5, 64], dtype: .float32)
        func message(_ body: () throws -> Void) -> (SDLError.Kind?, String) {
            do { try body() } catch let error as SDLError { return (error.kind, error.message) } catch {
                return (nil, "\(error)")
            }
            return (nil, "no error")
        }
        var (kind, text) = message {
            _ = try lstm(
                x, kernel: random([64, 200], dtype: .float32), recurrentKernel: random([64, 256], dtype: .float32),
                bias: nil)
        }
        XCTAssertEqual(kind, .value)
        XCTAssertEqual(
            text,
            "[lstm] kernel must have shape (in, 4*units) = (64, 256) for inputs with 64 features and 64 units; received (64, 200)"
        )
        (kind, text) = message {
            _ = try lstm(
                random([2, 5], dtype: .float32), kernel: random([5, 8], dtype: .float32),
                recurrentKernel: random([2, 8], dtype: .float32), bias: nil)
        }
        XCTAssertEqual(kind, .value)
        XCTAssertTrue(text.hasPrefix("[lstm] inputs must be rank 3"), text)
        (kind, text) = message {
            _ = try gru(
                x, kernel: random([64, 24], dtype: .float32), recurrentKernel: random([8, 24], dtype: .float32),
                bias: random([24], dtype: .float32))
        }
        XCTAssertEqual(kind, .value)
        XCTAssertTrue(text.contains("bias must have shape (2, 3*units)"), text)
        (kind, text) = message {
            _ = try simpleRNN(x.cast(to: .int32), kernel: random([64, 4]), recurrentKernel: random([4, 4]), bias: nil)
        }
        XCTAssertEqual(kind, .type)
        (kind, text) = message {
            _ = try simpleRNN(x, kernel: random([64, 4]), recurrentKernel: random([4, 4]), bias: nil)
        }
        XCTAssertEqual(kind, .type, text)
        (kind, text) = message {
            _ = try simpleRNN(
                x, kernel: random([64, 4], dtype: .float32), recurrentKernel: random([4, 5], dtype: .float32), bias: nil
            )
        }
        XCTAssertEqual(kind, .value)
        XCTAssertTrue(text.contains("recurrent_kernel must have shape (units, units)"), text)
        (kind, text) = message {
            _ = try lstm(
                x, kernel: random([64, 16], dtype: .float32), recurrentKernel: random([4, 16], dtype: .float32),
                bias: nil,
                initialHidden: random([2, 4], dtype: .float32))
        }
        XCTAssertEqual(kind, .value)
        XCTAssertTrue(text.contains("initial_state"), text)
    }
}
