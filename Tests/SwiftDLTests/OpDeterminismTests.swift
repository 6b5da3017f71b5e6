import XCTest

@testable import SwiftDL

/// `OpDeterminism`: exact convolution plans, and kernels whose results do not depend on the
/// thread count (bit for bit: the same shares, summed in the same order, on any pool size).
final class OpDeterminismTests: XCTestCase {
    private func withDeterminism<R>(_ body: () throws -> R) rethrows -> R {
        let saved = OpDeterminism.isEnabled, threads = ThreadPool.shared.threadCount
        OpDeterminism.isEnabled = true
        defer {
            OpDeterminism.isEnabled = saved
            ThreadPool.shared.setThreadCount(threads)
        }
        return try body()
    }

    /// The document CNN's second convolution: 13×13×32 → 11×11×64, 3×3, batch 64.
    private let documentSecondLayer = WindowGeometry(
        batch: 64, inputHeight: 13, inputWidth: 13, channels: 32, windowHeight: 3, windowWidth: 3, outputChannels: 64,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 0, padLeft: 0,
        outputHeight: 11, outputWidth: 11)

    func testExactPlansNeverChooseWinograd() {
        let g = documentSecondLayer
        for backward in [false, true] {
            let exact = ConvolutionPlan(g, backward: backward, float32: true, exact: true)
            XCTAssertNotEqual(exact.algorithm, .winograd)
            XCTAssertFalse(exact.inputGradientByWinograd || exact.filterGradientByWinograd)
            XCTAssertEqual(exact.transformedFiltersCount, 0)
            if CPUFeatures.current.hasAVX2 {
                let fast = ConvolutionPlan(g, backward: backward, float32: true, exact: false)
                XCTAssertTrue(fast.algorithm == .winograd || fast.filterGradientByWinograd, "backward: \(backward)")
            }
        }
        XCTAssertTrue(withDeterminism { ConvolutionPlan(g, backward: false, float32: true).exact })
    }

    func testSharesDoNotFollowTheThreadCount() {
        withDeterminism {
            ThreadPool.shared.setThreadCount(1)
            let bands = gemmBandCount(m: 4096, n: 64, k: 512)
            XCTAssertEqual(bands, OpDeterminism.partitions)
            for threads in [2, 3, 7] {
                ThreadPool.shared.setThreadCount(threads)
                XCTAssertEqual(ThreadPool.shared.partitionCount, OpDeterminism.partitions)
                XCTAssertEqual(gemmBandCount(m: 4096, n: 64, k: 512), bands)
            }
        }
    }

    /// The convolution's backward kernels (filter and bias gradients: partial sums over
    /// slices) and a banded GEMM give the same bits on 1, 2 and 3 threads.
    func testConvolutionGradientsAndGemmAreBitIdenticalForAnyThreadCount() {
        let g = documentSecondLayer
        var random = TestRandom(7)
        let x = (0..<(g.batch * g.inputImageSize)).map { _ in Float(random.double(-1, 1)) }
        let w = (0..<(g.patchSize * g.outputChannels)).map { _ in Float(random.double(-1, 1)) }
        let dy = (0..<(g.outputPixels * g.outputChannels)).map { _ in Float(random.double(-1, 1)) }
        func run() -> [Float] {
            let plan = ConvolutionPlan(g, backward: true, float32: true)
            var scratch = [Float](repeating: 0, count: plan.scratchCount)
            var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
            var db = [Float](repeating: 0, count: g.outputChannels)
            var product = [Float](repeating: 0, count: 512 * 64)
            x.withUnsafeBufferPointer { x in
                w.withUnsafeBufferPointer { w in
                    dy.withUnsafeBufferPointer { dy in
                        convolutionBackward(
                            x: x.baseAddress!, w: w.baseAddress!, dy: dy.baseAddress!, reluOutput: nil,
                            dx: &dx, dw: &dw, db: &db, plan: plan, scratch: &scratch)
                        // (512 × 288) · (288 × 64), 19 MFLOP: several bands.
                        gemm(
                            m: 512, n: 64, k: 288,
                            MatrixOperand(pointer: x.baseAddress!, transposed: false, leadingDimension: 288),
                            MatrixOperand(pointer: w.baseAddress!, transposed: false, leadingDimension: 64), &product,
                            ldc: 64, accumulate: false)
                    }
                }
            }
            return dx + dw + db + product
        }
        withDeterminism {
            ThreadPool.shared.setThreadCount(1)
            let single = run()
            for threads in [2, 3, 2] {
                ThreadPool.shared.setThreadCount(threads)
                let result = run()
                XCTAssertTrue(single.elementsEqual(result) { $0.bitPattern == $1.bitPattern }, "\(threads) threads")
            }
        }
    }
}
