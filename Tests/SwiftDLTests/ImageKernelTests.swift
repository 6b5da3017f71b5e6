import XCTest

@testable import SwiftDL
@testable import SwiftDLKernels

/// The image preprocessing kernels against definitions written out in the test: the fill
/// modes' folds, the affine sampler on maps whose result is known, the banded resampler
/// against a dense sum, and the fused channel affine.
final class ImageKernelTests: XCTestCase {
    func testFillModesFoldAsScipyDefinesThem() {
        // size 4, indices -6 ..< 10: the patterns of scipy.ndimage's documentation.
        let expected: [ImageFillMode: [Int]] = [
            .nearest: [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3],
            .wrap: [2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1],
            .mirror: [0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3],
            .reflect: [2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1],
        ]
        for (mode, folded) in expected {
            XCTAssertEqual((-6..<10).map { mode.fold($0, 4) }, folded, "\(mode)")
        }
        XCTAssertEqual((-3..<3).map { ImageFillMode.mirror.fold($0, 1) }, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(floorWithoutLibm(Float(-2.5)), -3)
        XCTAssertEqual(floorWithoutLibm(Double(7.0)), 7)
        XCTAssertEqual(floorWithoutLibm(Double(1e17 + 0.0)), 1e17)
        XCTAssertEqual(saturatedIndex(Float.nan), 16_777_216)
        XCTAssertEqual(saturatedIndex(-Float.infinity), -16_777_216)
    }

    func testWholePixelShiftsMoveTheImageAndFillTheRest() throws {
        let data = randomValues(2 * 3 * 4 * 2, Float.self, seed: 7)
        let images = try makeTensor(data, [2, 3, 4, 2])
        // Output (x, y) reads input (x + 1, y - 1).
        let shift = try makeTensor([Float(1), 0, 1, 0, 1, -1, 0, 0], [1, 8])
        for channelsFirst in [false, true] {
            for bilinear in [false, true] {
                let out = try affineTransformImages(
                    images, transforms: shift, bilinear: bilinear, fillMode: .constant, fillValue: -5,
                    channelsFirst: channelsFirst)
                let (height, width) = channelsFirst ? (4, 2) : (3, 4)
                let expected = multiIndices([2, 3, 4, 2]).map { index -> Float in
                    let (n, y, x, c) =
                        channelsFirst
                        ? (index[0], index[2], index[3], index[1]) : (index[0], index[1], index[2], index[3])
                    let (sourceY, sourceX) = (y - 1, x + 1)
                    if sourceY < 0 || sourceY >= height || sourceX >= width { return -5 }
                    let position =
                        channelsFirst
                        ? [n, c, sourceY, sourceX] : [n, sourceY, sourceX, c]
                    return data[flatPosition(position, [2, 3, 4, 2])]
                }
                XCTAssertEqual(values(out, as: Float.self), expected, "channelsFirst \(channelsFirst)")
            }
        }
    }

    func testBandedResamplingEqualsTheDenseSum() throws {
        let (outer, inSize, outSize, inner) = (3, 5, 4, 2)
        var weights = randomValues(inSize * outSize, Double.self, seed: 3)
        for i in [0, 4, 9, 15, 19] { weights[i] = 0 } // ragged bands, one entry cut out
        for j in 0..<outSize { weights[2 * outSize + j] = j == 1 ? 0 : weights[2 * outSize + j] }
        let data = randomValues(outer * inSize * inner, Double.self, seed: 5)
        let x = try makeTensor(data, [outer, inSize, inner])
        let out = try resampleAxis(x, axis: 1, weights: makeTensor(weights, [inSize, outSize]))
        let expected = multiIndices([outer, outSize, inner]).map { index in
            (0..<inSize).reduce(0.0) { sum, i in
                sum + weights[i * outSize + index[1]]
                    * data[flatPosition([index[0], i, index[2]], [outer, inSize, inner])]
            }
        }
        for (actual, wanted) in zip(values(out, as: Double.self), expected) {
            XCTAssertEqual(actual, wanted, accuracy: 1e-12)
        }
    }

    func testChannelAffineClipsPerRowParameters() throws {
        let x = try makeTensor([Float](arrayLiteral: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), [2, 3, 2])
        let shift = try makeTensor([Float](arrayLiteral: 1, 2), [1, 2])
        let scale = try makeTensor([Float](arrayLiteral: 2, 3), [1, 2])
        let offset = try makeTensor([Float](arrayLiteral: 0, 1), [1, 2])
        let out = try channelAffine(
            x, ChannelAffineShape(outer: 2, middle: 3, channels: 2), shift: shift, scale: scale, offset: offset,
            divide: false, low: 0, high: 20)
        let expected: [Float] = (0..<12).map { i in
            let c = i % 2
            return min(max((Float(i) - [1, 2][c]) * [2, 3][c] + [0, 1][c], 0), 20)
        }
        XCTAssertEqual(values(out, as: Float.self), expected)
        XCTAssertThrowsError(
            try channelAffine(
                x, ChannelAffineShape(outer: 2, middle: 2, channels: 2), shift: shift, scale: scale, offset: offset,
                divide: false))
    }
}
