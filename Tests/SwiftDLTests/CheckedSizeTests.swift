import XCTest

@testable import SwiftDL

/// Shapes whose size arithmetic overflows `Int` are errors, never wrapped sizes (release
/// builds compile the engine with -Ounchecked) or traps (debug builds). Swift callers can
/// build any tensor metadata with `Tensor.init`, so the ops are checked with such tensors.
final class CheckedSizeTests: XCTestCase {
    private let huge = 1 << 62

    /// A zero-size float32 tensor of `shape` (whose sizes need not multiply to anything
    /// that fits): only a Swift caller can make one.
    private func zeroSize(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        Tensor(
            storage: try Storage(byteCount: 0), dtype: dtype, shape: shape,
            strides: [Int](repeating: 0, count: shape.count))
    }

    private func assertThrows(
        _ kind: SDLError.Kind?, _ message: String, _ body: () throws -> Any,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? SDLError else {
                return XCTFail("not an SDLError: \(error)", file: file, line: line)
            }
            if let kind { XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line) }
            if !message.isEmpty { XCTAssertTrue(error.message.contains(message), "\(error)", file: file, line: line) }
        }
    }

    func testHelperReportsOverflow() throws {
        XCTAssertEqual(CheckedSize.product(1 << 31, 1 << 31), 1 << 62)
        XCTAssertNil(CheckedSize.product(huge, 4))
        XCTAssertNil(CheckedSize.product(-huge, 4))
        XCTAssertNil(CheckedSize.sum(Int.max, 1))
        XCTAssertNil(CheckedSize.product(of: [huge, 2, 2]))
        XCTAssertEqual(CheckedSize.product(of: [Int]()), 1)
        assertThrows(.value, "[op] the width is too large") { try CheckedSize.product(huge, 4, op: "op", "the width") }
    }

    func testElementCountFollowsNumpysRuleForZeroSizes() throws {
        XCTAssertEqual(try CheckedSize.elementCount([0, huge], op: "t"), 0)
        // (0, 2^62, 4): the count is 0, but the non-zero sizes do not fit, as numpy refuses.
        assertThrows(.memory, "too many elements") { try CheckedSize.elementCount([0, self.huge, 4], op: "t") }
        assertThrows(.memory, "too large") { try Tensor.empty([self.huge, 0], dtype: .float32) }
        assertThrows(.memory, "too large") {
            try Tensor.empty([4], dtype: .float32).checkedView(offset: 0, shape: [self.huge, 0], strides: [0, 0])
        }
        assertThrows(.memory, "too large") { try Tensor.empty([0], dtype: .float32).reshaped([self.huge, 0]) }
        assertThrows(.memory, "too large") { try Tensor.empty([1 << 61], dtype: .float64) }
        assertThrows(.value, "negative dimensions") { try Tensor.empty([2, -1], dtype: .float32) }
        XCTAssertEqual(try Tensor.empty([huge, 0], dtype: .uint8).count, 0)
    }

    func testLSTMRefusesAWidthThatWraps() throws {
        // 4·2^62 wraps to 0: the recurrent kernel (2^62, 0) would pass as (units, 4·units).
        let inputs = try Tensor.empty([0, 1, 0], dtype: .float32)
        let kernel = try Tensor.empty([0, 0], dtype: .float32)
        let recurrent = try zeroSize([huge, 0])
        assertThrows(.value, "recurrent_kernel must have shape (units, 4*units) (too large)") {
            try lstm(inputs, kernel: kernel, recurrentKernel: recurrent, bias: nil)
        }
        assertThrows(.value, "recurrent_kernel must have shape (units, 3*units) (too large)") {
            try gru(inputs, kernel: kernel, recurrentKernel: recurrent, bias: nil)
        }
        // 4·2^61 = 2^63 does not fit either.
        assertThrows(.value, "recurrent_kernel") {
            try lstm(inputs, kernel: kernel, recurrentKernel: try self.zeroSize([1 << 61, 0]), bias: nil)
        }
    }

    func testReductionsOfZeroSizeTensorsWithHugeSizes() throws {
        let x = try zeroSize([0, huge, 4])
        assertThrows(.value, "too large") { try reduce(.sum, x, axes: [1, 2]) }
        assertThrows(nil, "") { try softmax(x, axis: 0) }
        assertThrows(nil, "") { try take(x, indices: try Tensor.empty([0], dtype: .int64), axis: 0) }
    }

    func testBroadcastShapesThatOverflow() throws {
        let scalar = try Tensor.scalar(1, dtype: .float32)
        assertThrows(.memory, "too many elements") { try scalar.broadcasted(to: [self.huge, 4]) }
        assertThrows(.memory, "too large") { try scalar.broadcasted(to: [self.huge]) }
        assertThrows(.value, "negative dimensions") { try scalar.broadcasted(to: [-1]) }
        let wide = try scalar.broadcasted(to: [1 << 60])
        assertThrows(.memory, "too many elements") {
            try binary(.add, wide, try Tensor.empty([16, 1], dtype: .float32))
        }
    }

    func testViewsWithStridesWhoseByteSizeOverflows() throws {
        let t = try Tensor.empty([4], dtype: .float32)
        // A size-1 axis reaches no other element, but its byte stride must still fit.
        assertThrows(.index, "overflow") { try t.checkedView(offset: 0, shape: [1], strides: [self.huge]) }
        assertThrows(.index, "overflow") { try t.checkedView(offset: 0, shape: [2, 2], strides: [Int.max, 1]) }
    }

    func testWindowsAndConcatenationThatOverflow() throws {
        let input = try Tensor.empty([1, 1, 1, 1], dtype: .float32),
            filters = try Tensor.empty([1, 1, 1, 1], dtype: .float32)
        let pad = Int(Int32.max)
        assertThrows(.value, "2^31") {
            try conv2d(input, filters, padding: .explicit(top: pad, bottom: pad, left: pad, right: pad))
        }
        let long = try zeroSize([Int.max - 1, 0], dtype: .uint8)
        assertThrows(.memory, "too large") { try concatenate([long, long], axis: 0) }
    }

    func testMatmulRefusesSizesBLASCannotTake() throws {
        // (1, 2^31 + 1) · (2^31 + 1, 1) over a few bytes: refused before BLAS could read it
        // (its sizes are 32-bit; -Ounchecked would have truncated k).
        let k = Int(Int32.max) + 2
        let storage = try Storage(byteCount: 64)
        let a = Tensor(storage: storage, dtype: .float32, shape: [1, k], strides: [0, 0])
        let b = Tensor(storage: storage, dtype: .float32, shape: [k, 1], strides: [0, 0])
        assertThrows(.value, "2^31 - 1") { try matmul(a, b) }
    }

    func testCreationWithExtremeArguments() throws {
        let eyeFar = try eye(rows: 3, columns: 3, diagonal: Int.max, dtype: .float32)
        let values = eyeFar.pointer(as: Float.self)
        XCTAssertEqual((0..<9).map { values[$0] }, [Float](repeating: 0, count: 9))
        assertThrows(.memory, "") { try randomNormal(shape: [Int.max], mean: 0, std: 1, dtype: .float64) }
        assertThrows(.memory, "") { try randomPermutation(1 << 62) }
    }
}
