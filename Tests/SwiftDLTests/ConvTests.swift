import XCTest

@testable import SwiftDL

/// Convolution and pooling against naive loops, finite-difference gradients in float64,
/// and bad input that must throw.
final class ConvTests: XCTestCase {
    // MARK: - Helpers

    private var seed: UInt64 = 12345

    private func random(_ shape: [Int], dtype: DType = .float64) throws -> Tensor {
        let t = try Tensor.empty(shape, dtype: .float64)
        let p = t.pointer(as: Double.self)
        for i in 0..<t.count {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            p[i] = Double(Int64(bitPattern: seed >> 11) % 2000) / 1000.0 - 1.0
        }
        return try t.converted(to: dtype)
    }

    private func values(_ t: Tensor) throws -> [Double] {
        let d = try t.contiguous().converted(to: .float64)
        return Array(UnsafeBufferPointer(start: d.pointer(as: Double.self), count: d.count))
    }

    /// TensorFlow's SAME split, written out independently of the engine.
    private func samePad(_ input: Int, _ k: Int, _ s: Int, _ d: Int) -> (out: Int, before: Int) {
        let out = (input + s - 1) / s
        let total = max((out - 1) * s + (k - 1) * d + 1 - input, 0)
        return (out, total / 2)
    }

    /// conv2d by its definition.
    private func naiveConv(
        _ x: [Double], _ xs: [Int], _ w: [Double], _ ws: [Int], strides: (Int, Int), dilations: (Int, Int),
        padding: Padding
    ) -> (values: [Double], shape: [Int]) {
        let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3]), (kh, kw, o) = (ws[0], ws[1], ws[3])
        var oh = 0, ow = 0, pt = 0, pl = 0
        switch padding {
        case .valid:
            oh = (h - (kh - 1) * dilations.0 - 1) / strides.0 + 1
            ow = (wd - (kw - 1) * dilations.1 - 1) / strides.1 + 1
        case .same:
            (oh, pt) = samePad(h, kh, strides.0, dilations.0)
            (ow, pl) = samePad(wd, kw, strides.1, dilations.1)
        case .explicit(let top, let bottom, let left, let right):
            pt = top
            pl = left
            oh = (h + top + bottom - (kh - 1) * dilations.0 - 1) / strides.0 + 1
            ow = (wd + left + right - (kw - 1) * dilations.1 - 1) / strides.1 + 1
        }
        var out = [Double](repeating: 0, count: n * oh * ow * o)
        for b in 0..<n {
            for i in 0..<oh {
                for j in 0..<ow {
                    for f in 0..<o {
                        var sum = 0.0
                        for a in 0..<kh {
                            for e in 0..<kw {
                                for ch in 0..<c {
                                    let y = i * strides.0 - pt + a * dilations.0,
                                        z = j * strides.1 - pl + e * dilations.1
                                    if y < 0 || y >= h || z < 0 || z >= wd { continue }
                                    sum += x[((b * h + y) * wd + z) * c + ch] * w[((a * kw + e) * c + ch) * o + f]
                                }
                            }
                        }
                        out[((b * oh + i) * ow + j) * o + f] = sum
                    }
                }
            }
        }
        return (out, [n, oh, ow, o])
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

    func testConv2dMatchesNaiveLoopsAcrossAlgorithms() throws {
        let cases: [([Int], [Int], (Int, Int), (Int, Int), Padding)] = [
            ([2, 7, 6, 1], [3, 3, 1, 4], (1, 1), (1, 1), .valid), // one channel: K = 9
            ([2, 7, 6, 1], [3, 3, 1, 4], (2, 1), (1, 1), .same),
            ([2, 6, 7, 1], [3, 3, 1, 43], (1, 2), (1, 1), .same),
            ([1, 8, 7, 1], [3, 3, 1, 32], (1, 1), (1, 1), .valid), // pixels in pairs, an odd one left
            ([2, 5, 6, 1], [3, 2, 1, 72], (1, 1), (1, 1), .same),
            ([2, 9, 9, 1], [3, 3, 1, 40], (1, 1), (2, 2), .same), // dilated, one channel
            // Few channels, laid along the rows for the one-channel kernel (float32, AVX2).
            ([2, 9, 8, 3], [3, 3, 3, 16], (2, 2), (1, 1), .same),
            ([1, 7, 9, 3], [3, 3, 3, 32], (1, 1), (1, 1), .same),
            ([1, 8, 9, 4], [2, 3, 4, 48], (1, 2), (2, 1), .valid),
            ([1, 6, 7, 2], [3, 3, 2, 16], (1, 1), (1, 1), .valid),
            ([1, 9, 8, 3], [3, 3, 3, 5], (2, 2), (1, 1), .same),
            ([2, 9, 8, 3], [3, 2, 3, 2], (1, 2), (2, 1), .valid), // dilated
            ([1, 6, 7, 4], [3, 3, 4, 3], (1, 1), (2, 2), .same),
            ([2, 5, 5, 3], [1, 1, 3, 4], (1, 1), (1, 1), .valid), // pointwise
            ([1, 6, 6, 2], [2, 3, 2, 3], (2, 1), (1, 1), .explicit(top: 1, bottom: 2, left: 0, right: 3)),
        ]
        for dtype in [DType.float32, .float64] {
            for (xs, ws, strides, dilations, padding) in cases {
                let x = try random(xs, dtype: dtype), w = try random(ws, dtype: dtype)
                let y = try conv2d(x, w, strides: strides, dilations: dilations, padding: padding)
                let expected = naiveConv(
                    try values(x), xs, try values(w), ws, strides: strides, dilations: dilations, padding: padding)
                XCTAssertEqual(y.shape, expected.shape)
                assertClose(
                    try values(y), expected.values, tolerance: dtype == .float32 ? 1e-5 : 1e-12,
                    "\(xs) \(ws) \(padding)")
            }
        }
    }

    /// 3×3 stride-1 float32 convolutions with channels in multiples of 8 go by Winograd
    /// (forward and filter gradient, and the input gradient when its tiles pay): its error
    /// is a few times a direct sum's, hence the looser tolerance.
    func testWinogradConvolutionMatchesNaiveLoops() throws {
        let cases: [([Int], [Int], Padding)] = [
            ([2, 13, 13, 8], [3, 3, 8, 16], .valid), // 11×11: partial tiles at the edges
            ([2, 9, 10, 16], [3, 3, 16, 8], .same),
            ([3, 8, 8, 8], [3, 3, 8, 8], .explicit(top: 2, bottom: 0, left: 0, right: 3)),
        ]
        for (xs, ws, padding) in cases {
            let x = try random(xs, dtype: .float32), w = try random(ws, dtype: .float32)
            let g = try conv2dGeometry("conv2d", x, w, strides: (1, 1), dilations: (1, 1), padding: padding)
            let expectedAlgorithm: ConvolutionAlgorithm = CPUFeatures.current.hasAVX2 ? .winograd : .im2col
            XCTAssertEqual(
                ConvolutionPlan(g, backward: false, float32: true).algorithm, expectedAlgorithm, "\(xs) \(ws)")
            XCTAssertEqual(ConvolutionPlan(g, backward: false, float32: false).algorithm, .im2col)
            let y = try conv2d(x, w, padding: padding)
            let expected = naiveConv(
                try values(x), xs, try values(w), ws, strides: (1, 1), dilations: (1, 1), padding: padding)
            XCTAssertEqual(y.shape, expected.shape)
            assertClose(try values(y), expected.values, tolerance: 1e-4, "\(xs) \(ws) \(padding)")
        }
        // 11×11 outputs: the input gradient (13×13) goes by Winograd too; 3×3 outputs do not
        // pay for the input gradient's 5×5 tiles.
        let layer = WindowGeometry(
            batch: 2, inputHeight: 13, inputWidth: 13, channels: 32, windowHeight: 3, windowWidth: 3,
            outputChannels: 64, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
            padTop: 0, padLeft: 0, outputHeight: 11, outputWidth: 11)
        XCTAssertEqual(
            ConvolutionPlan(layer, backward: true, float32: true).inputGradientByWinograd, CPUFeatures.current.hasAVX2)
        XCTAssertEqual(
            ConvolutionPlan(layer, backward: true, float32: true).filterGradientByWinograd, CPUFeatures.current.hasAVX2)
        XCTAssertFalse(ConvolutionPlan(layer, backward: true, float32: false).filterGradientByWinograd)
        var small = layer
        (small.batch, small.inputHeight, small.inputWidth, small.outputHeight, small.outputWidth) = (64, 5, 5, 3, 3)
        XCTAssertFalse(ConvolutionPlan(small, backward: true, float32: true).inputGradientByWinograd)
        // Fewer than 16 tiles in the batch do not pay for transforming the filters.
        small.batch = 8
        XCTAssertEqual(ConvolutionPlan(small, backward: false, float32: true).algorithm, .im2col)
        XCTAssertEqual(
            ConvolutionPlan(small, backward: false, float32: true, winogradBatch: 64).algorithm,
            CPUFeatures.current.hasAVX2 ? .winograd : .im2col)
    }

    func testFusedBiasAndReluMatchSeparateOps() throws {
        for filterShape in [[3, 3, 1, 6], [3, 3, 1, 41], [3, 3, 4, 6], [1, 1, 4, 6]] {
            let o = filterShape[3]
            let x = try random([2, 6, 6, filterShape[2]]), w = try random(filterShape), b = try random([o])
            let fused = try values(conv2d(x, w, bias: b, activation: .relu, padding: .same))
            let plain = try values(conv2d(x, w, padding: .same))
            let bias = try values(b)
            let expected = plain.enumerated().map { max($0.element + bias[$0.offset % o], 0) }
            assertClose(fused, expected, tolerance: 1e-12, "\(filterShape)")
        }
    }

    // MARK: - Gradients

    /// Checks tape gradients of sum(op(inputs) * r) against central differences.
    private func checkGradients(_ inputs: [Tensor], _ op: ([Tensor]) throws -> Tensor, line: UInt = #line) throws {
        let tape = GradientTape()
        for t in inputs { tape.watch(t) }
        tape.enter()
        let y = try op(inputs)
        tape.exit()
        let r = try random(y.shape)
        let gradients = try tape.gradient(of: y, withRespectTo: inputs, outputGradient: r)
        let weights = try values(r)
        func loss() throws -> Double { zip(try values(op(inputs)), weights).reduce(0) { $0 + $1.0 * $1.1 } }
        for (index, t) in inputs.enumerated() {
            guard let gradient = gradients[index] else { return XCTFail("no gradient for input \(index)", line: line) }
            let analytic = try values(gradient)
            let p = t.pointer(as: Double.self)
            for i in 0..<t.count {
                let saved = p[i]
                p[i] = saved + 1e-6
                let up = try loss()
                p[i] = saved - 1e-6
                let down = try loss()
                p[i] = saved
                let numeric = (up - down) / 2e-6
                if abs(numeric - analytic[i]) > 1e-6 * (1 + abs(numeric)) {
                    return XCTFail(
                        "input \(index) element \(i): tape \(analytic[i]) vs finite difference \(numeric)", line: line)
                }
            }
        }
    }

    func testConv2dGradientsMatchFiniteDifferences() throws {
        let cases: [([Int], [Int], (Int, Int), (Int, Int), Padding)] = [
            ([2, 5, 5, 1], [3, 3, 1, 3], (1, 1), (1, 1), .valid),
            ([1, 6, 5, 1], [3, 3, 1, 2], (2, 2), (1, 1), .same),
            ([1, 6, 6, 3], [3, 3, 3, 2], (2, 1), (1, 1), .same),
            ([1, 7, 6, 2], [3, 3, 2, 2], (1, 1), (2, 2), .valid),
            ([2, 4, 4, 3], [1, 1, 3, 2], (1, 1), (1, 1), .valid),
            ([1, 5, 6, 2], [2, 3, 2, 2], (1, 2), (1, 1), .explicit(top: 2, bottom: 0, left: 1, right: 1)),
        ]
        for (xs, ws, strides, dilations, padding) in cases {
            try checkGradients([random(xs), random(ws), random([ws[3]])]) {
                try conv2d($0[0], $0[1], bias: $0[2], strides: strides, dilations: dilations, padding: padding)
            }
        }
        // The fused relu: its kink is measure-zero for random inputs.
        try checkGradients([random([1, 5, 5, 3]), random([3, 3, 3, 4]), random([4])]) {
            try conv2d($0[0], $0[1], bias: $0[2], activation: .relu, padding: .same)
        }
    }

    func testConv1dAndPoolingGradientsMatchFiniteDifferences() throws {
        try checkGradients([random([2, 9, 2]), random([3, 2, 3])]) {
            try conv1d($0[0], $0[1], stride: 2, padding: .same)
        }
        try checkGradients([random([1, 9, 1]), random([2, 1, 2])]) {
            try conv1d($0[0], $0[1], dilation: 3, padding: .valid)
        }
        for padding in [Padding.valid, .same] {
            try checkGradients([random([2, 5, 7, 3])]) {
                try pool2d(.max, $0[0], windowSize: (2, 3), strides: (2, 2), padding: padding)
            }
            try checkGradients([random([2, 5, 7, 3])]) {
                try pool2d(.average, $0[0], windowSize: (3, 2), strides: (2, 1), padding: padding)
            }
            try checkGradients([random([2, 7, 3])]) {
                try pool1d(.max, $0[0], windowSize: 3, stride: 2, padding: padding)
            }
        }
    }

    func testMaxPoolGradientGoesToFirstMaximum() throws {
        let x = try Tensor.full([1, 2, 2, 1], value: Tensor.scalar(1, dtype: .float64), dtype: .float64)
        let tape = GradientTape()
        tape.watch(x)
        tape.enter()
        let y = try pool2d(.max, x, windowSize: (2, 2), strides: (2, 2), padding: .valid)
        tape.exit()
        let gradient = try tape.gradient(of: y, withRespectTo: [x])[0]
        XCTAssertEqual(try values(XCTUnwrap(gradient)), [1, 0, 0, 0])
    }

    /// Windows wholly inside the image, no argmax: float32 takes `maxPoolInteriorAVX2` on
    /// AVX2 CPUs, float64 the per-pixel loop. A max selects one of its inputs, so both must
    /// equal the naive max exactly; NaNs are not compared (a first-element NaN is kept).
    func testMaxPoolInsideTheImageMatchesNaiveMax() throws {
        let cases: [([Int], (Int, Int), (Int, Int))] = [
            ([1, 26, 26, 32], (2, 2), (2, 2)), ([2, 11, 11, 64], (2, 2), (2, 2)),
            ([2, 7, 9, 21], (3, 2), (1, 2)), ([3, 5, 6, 3], (2, 3), (3, 1)),
        ]
        for dtype in [DType.float32, .float64] {
            for (xs, window, strides) in cases {
                let x = try random(xs, dtype: dtype)
                let y = try pool2d(.max, x, windowSize: window, strides: strides, padding: .valid)
                let (n, h, w, c) = (xs[0], xs[1], xs[2], xs[3])
                let oh = (h - window.0) / strides.0 + 1, ow = (w - window.1) / strides.1 + 1
                let v = try values(x)
                var expected = [Double]()
                for b in 0..<n {
                    for i in 0..<oh {
                        for j in 0..<ow {
                            for ch in 0..<c {
                                var best = -Double.infinity
                                for a in 0..<window.0 {
                                    for e in 0..<window.1 {
                                        best = max(
                                            best, v[((b * h + i * strides.0 + a) * w + j * strides.1 + e) * c + ch])
                                    }
                                }
                                expected.append(best)
                            }
                        }
                    }
                }
                XCTAssertEqual(y.shape, [n, oh, ow, c])
                XCTAssertEqual(try values(y), expected, "\(dtype) \(xs) \(window) \(strides)")
            }
        }
    }

    func testAveragePoolSameDividesByValidPositions() throws {
        let x = try Tensor.full([1, 3, 3, 1], value: Tensor.scalar(6, dtype: .float32), dtype: .float32)
        let y = try pool2d(.average, x, windowSize: (2, 2), strides: (2, 2), padding: .same)
        XCTAssertEqual(y.shape, [1, 2, 2, 1])
        XCTAssertEqual(try values(y), [6, 6, 6, 6])
    }

    // MARK: - Bad input

    private func assertThrows(
        _ kind: SDLError.Kind, _ contains: String, line: UInt = #line, _ body: () throws -> Tensor
    ) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard let error = error as? SDLError else { return XCTFail("not an SDLError: \(error)", line: line) }
            XCTAssertEqual(error.kind, kind, error.message, line: line)
            XCTAssertTrue(error.message.contains(contains), error.message, line: line)
        }
    }

    func testBadInputThrows() throws {
        let x = try random([2, 8, 8, 3], dtype: .float32), w = try random([3, 3, 3, 4], dtype: .float32)
        assertThrows(.value, "[conv2d] input must be rank 4 (N, H, W, C); received shape (2, 8, 8)") {
            try conv2d(random([2, 8, 8], dtype: .float32), w)
        }
        assertThrows(.value, "filters must be rank 4") { try conv2d(x, random([3, 3, 3], dtype: .float32)) }
        assertThrows(.value, "input has 3 channels but filters expect 2") {
            try conv2d(x, random([3, 3, 2, 4], dtype: .float32))
        }
        assertThrows(.value, "strides must be positive") { try conv2d(x, w, strides: (0, 1)) }
        assertThrows(.value, "dilations must be positive") { try conv2d(x, w, dilations: (1, -2)) }
        assertThrows(.value, "leaves no output") { try conv2d(x, random([9, 3, 3, 4], dtype: .float32)) }
        assertThrows(.value, "leaves no output") { try conv2d(x, w, dilations: (4, 1)) }
        assertThrows(.value, "explicit paddings must be non-negative") {
            try conv2d(x, w, padding: .explicit(top: -1, bottom: 0, left: 0, right: 0))
        }
        assertThrows(.type, "same dtype") { try conv2d(x, random([3, 3, 3, 4], dtype: .float64)) }
        assertThrows(.type, "float32 or float64") { try conv2d(x.cast(to: .int32), w.cast(to: .int32)) }
        assertThrows(.value, "bias must have shape (4,)") { try conv2d(x, w, bias: random([3], dtype: .float32)) }
        assertThrows(.value, "strides must be positive") { try conv2d(x, w, strides: (Int.max, 1)) }
        assertThrows(.value, "[conv1d] input must be rank 3") { try conv1d(x, w) }
        // Zero elements, but 2^31 output rows: refused before BLAS's 32-bit sizes could trap.
        assertThrows(.value, "2^31 - 1") {
            try conv2d(Tensor.empty([1 << 31, 1, 1, 0], dtype: .float32), Tensor.empty([1, 1, 0, 1], dtype: .float32))
        }
        assertThrows(.value, "[max_pool2d] input must be rank 4") {
            try pool2d(.max, random([3, 3]), windowSize: (2, 2), strides: (2, 2), padding: .valid)
        }
        assertThrows(.value, "[avg_pool2d] explicit padding is not supported") {
            try pool2d(
                .average, x, windowSize: (2, 2), strides: (2, 2),
                padding: .explicit(top: 1, bottom: 1, left: 1, right: 1))
        }
        assertThrows(.value, "smaller than the window") {
            try pool2d(
                .max, x, windowSize: (2, 2), strides: (2, 2), padding: .explicit(top: 2, bottom: 0, left: 0, right: 0))
        }
        assertThrows(.value, "leaves no output") {
            try pool2d(.max, x, windowSize: (9, 2), strides: (1, 1), padding: .valid)
        }
        assertThrows(.value, "pooling window height must be between 1") {
            try pool2d(.max, x, windowSize: (0, 2), strides: (1, 1), padding: .valid)
        }
    }

    func testEmptyBatchGivesEmptyOutputAndZeroGradients() throws {
        let x = try random([0, 5, 5, 2]), w = try random([3, 3, 2, 3])
        let tape = GradientTape()
        tape.watch(w)
        tape.enter()
        let y = try conv2d(x, w, padding: .same)
        tape.exit()
        XCTAssertEqual(y.shape, [0, 5, 5, 3])
        let gradient = try XCTUnwrap(tape.gradient(of: y, withRespectTo: [w])[0])
        XCTAssertEqual(try values(gradient), [Double](repeating: 0, count: 54))
    }
}
