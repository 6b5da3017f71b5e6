import XCTest

@testable import SwiftDL
@testable import SwiftDLAVX2
@testable import SwiftDLAVX512

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// The AVX-512 3×3 depthwise kernel (SwiftDLAVX512/Depthwise3x3Forward.swift) against the
/// AVX2 per-pixel kernel: the same floats (both add the bias, then the taps row by row), for
/// 'same' and 'valid' windows, strides 1 and 2, images narrower than a block of four pixels,
/// bias and ReLU6 or neither, and pixel ranges that start and end inside a row.
final class Depthwise3x3AVX512Tests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.current.hasAVX512Kernels, "the kernel needs AVX-512 (Skylake-X level)")
    }

    private func values(_ count: Int, seed: Int) -> [Float] {
        var random = TestRandom(UInt64(seed))
        return (0..<count).map { _ in Float(random.double(-3.33, 3.33)) }
    }

    private func window(size: Int, stride: Int, pad: Int) -> PlaneWindow {
        let out = (size + 2 * pad - 3) / stride + 1
        return PlaneWindow(
            imageHeight: size, imageWidth: size + 1, windowHeight: 3, windowWidth: 3, strideHeight: stride,
            strideWidth: stride, dilationHeight: 1, dilationWidth: 1, padTop: pad, padLeft: pad, outputHeight: out,
            outputWidth: (size + 1 + 2 * pad - 3) / stride + 1)
    }

    func testSameFloatsAsTheAVX2Kernel() {
        for (size, stride, pad) in [(9, 1, 1), (9, 2, 1), (10, 2, 0), (5, 1, 0), (3, 1, 1), (2, 1, 1), (13, 2, 1)] {
            for c in [16, 48] {
                let g = window(size: size, stride: stride, pad: pad)
                let images = 2
                let x = values(images * g.imageHeight * g.imageWidth * c, seed: size * 7 + c)
                let w = values(9 * c, seed: c), bias = values(c, seed: c + 1)
                let pixelCount = images * g.outputHeight * g.outputWidth
                for (withBias, clamp) in [(true, ReluClamp(top: 6)), (false, nil)] as [(Bool, ReluClamp?)] {
                    for pixels in [0..<pixelCount, (pixelCount / 3)..<(pixelCount - 2)] {
                        var expected = [Float](repeating: .nan, count: pixelCount * c), got = expected
                        bias.withUnsafeBufferPointer { b in
                            let b = withBias ? b.baseAddress : nil
                            depthwiseForwardAVX2(
                                x, w, bias: b, &expected, window: g, channels: c, pixels: pixels, clamp: clamp)
                            depthwise3x3ForwardAVX512(
                                x, w, bias: b, &got, window: g, channels: c, pixels: pixels, clamp: clamp)
                        }
                        XCTAssertEqual(
                            got.map(\.bitPattern), expected.map(\.bitPattern),
                            "size \(size) stride \(stride) pad \(pad) c \(c) pixels \(pixels)")
                    }
                }
            }
        }
    }
}
#endif
