import XCTest

@testable import SwiftDL

/// astype: numpy's C-cast results on x86 (wrap-around between integers, INT_MIN for NaN or
/// out-of-range floats), reached without a single trap.
final class CastTests: XCTestCase {
    private func cast<S: Element, D: Element>(_ input: [S], to _: D.Type, layout: Layout = .contiguous) throws -> [D] {
        let result = try makeTensor(input, [input.count], layout: layout).cast(to: D.dtype)
        XCTAssertTrue(result.isContiguous)
        return values(result, as: D.self)
    }

    func testFloatToInt32EdgeCases() throws {
        let inputs: [Double] = [
            .nan, .infinity, -.infinity, 3.99, -3.99, 2147483647.0, 2147483647.9, 2147483648.0,
            -2147483648.0, -2147483648.9, -2147483649.0, 1e300, -0.0,
        ]
        let expected: [Int32] = [.min, .min, .min, 3, -3, .max, .max, .min, .min, .min, .min, .min, 0]
        for layout in Layout.allCases {
            XCTAssertEqual(try cast(inputs, to: Int32.self, layout: layout), expected, "\(layout)")
        }
        let floats: [Float] = [.nan, 2_147_483_520, 2_147_483_648, -2_147_483_648, 1e20, .infinity, 0.75]
        XCTAssertEqual(try cast(floats, to: Int32.self), [.min, 2_147_483_520, .min, .min, .min, .min, 0])
    }

    func testFloatToInt64EdgeCases() throws {
        let inputs: [Double] = [.nan, .infinity, -.infinity, 9.2e18, 9.3e18, -9.223372036854775808e18, -9.3e18, -7.5]
        let expected: [Int64] = [.min, .min, .min, 9_200_000_000_000_000_000, .min, .min, .min, -7]
        XCTAssertEqual(try cast(inputs, to: Int64.self, layout: .reversed), expected)
        XCTAssertEqual(try cast([Float.nan, 1e19, -1e19, 16_777_216], to: Int64.self), [.min, .min, .min, 16_777_216])
    }

    func testFloatToUInt8GoesThroughInt32LikeNumpy() throws {
        let inputs: [Double] = [300, -1, 255.9, 256, .nan, 1e10, -0.5, 511]
        XCTAssertEqual(try cast(inputs, to: UInt8.self, layout: .gapped), [44, 255, 255, 0, 0, 0, 0, 255])
    }

    func testFloatAndIntegerToBool() throws {
        XCTAssertEqual(
            try cast([Float.nan, 0, -0.0, .leastNonzeroMagnitude, -.infinity], to: Bool.self),
            [true, false, false, true, true])
        XCTAssertEqual(try cast([0, -1, 256] as [Int64], to: Bool.self, layout: .transposed), [false, true, true])
        XCTAssertEqual(try cast([true, false], to: Float.self), [1, 0])
        XCTAssertEqual(try cast([true, false], to: Int64.self, layout: .reversed), [1, 0])
    }

    func testIntegerNarrowingWraps() throws {
        XCTAssertEqual(try cast([4_294_967_301, -1, Int64(Int32.max) + 1] as [Int64], to: Int32.self), [5, -1, .min])
        XCTAssertEqual(try cast([257, -1, 255, -256] as [Int64], to: UInt8.self, layout: .reversed), [1, 255, 255, 0])
        XCTAssertEqual(try cast([-1, 300] as [Int32], to: UInt8.self), [255, 44])
        XCTAssertEqual(try cast([255] as [UInt8], to: Int32.self), [255])
    }

    func testFloatWideningAndNarrowing() throws {
        let narrowed = try cast([1e40, -1e40, 1e-50, .nan, 0.1] as [Double], to: Float.self)
        XCTAssertEqual(narrowed[0], .infinity)
        XCTAssertEqual(narrowed[1], -.infinity)
        XCTAssertEqual(narrowed[2], 0)
        XCTAssertTrue(narrowed[3].isNaN)
        XCTAssertEqual(narrowed[4], Float(0.1))
        XCTAssertEqual(
            try cast([Int64.max, Int64.min] as [Int64], to: Double.self),
            [9.223372036854775807e18, -9.223372036854775808e18])
        XCTAssertEqual(try cast([16_777_217] as [Int32], to: Float.self), [16_777_216])
    }

    /// Every dtype pair, every layout, on values every dtype holds exactly.
    func testEveryDTypePairOnSafeValues() throws {
        let safe: [Int64] = [0, 1, 2, 7, 100, 0, 1, 42, 3, 9, 11, 5]
        for source in DType.allCases {
            let results = try source.dispatch(CastEveryTarget(safe: safe))
            let expected = source == .bool ? safe.map { $0 != 0 ? 1 : 0 } : safe
            for (target, actual) in results {
                XCTAssertEqual(
                    actual, target == .bool ? expected.map { $0 != 0 ? 1 : 0 } : expected,
                    "\(source.name) -> \(target.name)")
            }
        }
    }
}

/// Casts `safe` (stored as the visited dtype, in every layout) to every dtype and reads the
/// results back as Int64, keyed by target dtype.
private struct CastEveryTarget: ElementVisitor {
    let safe: [Int64]
    func visit<S: Element>(_: S.Type) throws -> [DType: [Int64]] {
        var results: [DType: [Int64]] = [:]
        for layout in Layout.allCases {
            let x = try makeTensor(safe.map { S(fromInt64: $0) }, [3, 4], layout: layout)
            for target in DType.allCases {
                let y = try x.cast(to: target)
                XCTAssertEqual(y.shape, [3, 4])
                XCTAssertEqual(y.dtype, target)
                let read = try target.dispatch(ReadAsInt64(tensor: y))
                if let earlier = results[target] {
                    XCTAssertEqual(read, earlier, "\(S.dtype.name) -> \(target.name) \(layout)")
                }
                results[target] = read
            }
        }
        return results
    }
}

private struct ReadAsInt64: ElementVisitor {
    let tensor: Tensor
    func visit<D: Element>(_: D.Type) -> [Int64] { values(tensor, as: D.self).map { $0.int64Value } }
}
