import XCTest

@testable import SwiftDL

// Helpers shared by the engine tests: build tensors with chosen memory layouts, read them
// back in logical (row-major) order, and walk multi-indices. Reference results in the
// tests are computed with plain loops over these, never with the engine's own kernels.

/// How a test tensor's elements are laid out in its storage.
enum Layout: CaseIterable {
    /// Row-major, no gaps.
    case contiguous
    /// Column-major: the view a `.T` of a row-major array gives.
    case transposed
    /// Every stride negative: the view `a[::-1, ::-1, ...]` gives.
    case reversed
    /// Every other element: the view `a[..., ::2]` of a bigger array gives.
    case gapped
}

/// Row-major multi-indices of `shape`, in order.
func multiIndices(_ shape: [Int]) -> [[Int]] {
    let count = shape.reduce(1, *)
    if count == 0 { return [] }
    var result: [[Int]] = []
    result.reserveCapacity(count)
    var index = [Int](repeating: 0, count: shape.count)
    for _ in 0..<count {
        result.append(index)
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { break }
            index[axis] = 0
            axis -= 1
        }
    }
    return result
}

/// Row-major position of `index` in `shape`.
func flatPosition(_ index: [Int], _ shape: [Int]) -> Int {
    var position = 0
    for axis in 0..<shape.count { position = position * shape[axis] + index[axis] }
    return position
}

/// A tensor of `shape` holding `values` (row-major) stored with `layout`.
func makeTensor<T: Element>(_ values: [T], _ shape: [Int], layout: Layout = .contiguous) throws -> Tensor {
    precondition(values.count == shape.reduce(1, *), "test bug: \(values.count) values for \(shape)")
    let count = values.count
    let rowMajor = contiguousStrides(shape)
    var strides: [Int]
    var offset = 0
    var capacity = max(count, 1)
    switch layout {
    case .contiguous:
        strides = rowMajor
    case .transposed:
        strides = Array(contiguousStrides(shape.reversed()).reversed())
    case .reversed:
        strides = rowMajor.map { -$0 }
        offset = max(count - 1, 0)
    case .gapped:
        strides = rowMajor.map { $0 * 2 }
        capacity = max(2 * count, 1)
    }
    let storage = try Storage(byteCount: capacity * T.dtype.itemSize, zeroed: true)
    let tensor = Tensor(storage: storage, dtype: T.dtype, shape: shape, strides: strides, offset: offset)
    let base = storage.base.assumingMemoryBound(to: T.self)
    for (position, index) in multiIndices(shape).enumerated() {
        var element = offset
        for axis in 0..<shape.count { element += index[axis] * strides[axis] }
        base[element] = values[position]
    }
    return tensor
}

/// A tensor's elements in row-major logical order, whatever its strides.
func values<T: Element>(_ tensor: Tensor, as _: T.Type = T.self) -> [T] {
    precondition(tensor.dtype == T.dtype, "test bug: reading \(tensor.dtype) as \(T.dtype)")
    let base = tensor.storage.base.assumingMemoryBound(to: T.self)
    return multiIndices(tensor.shape).map { index in
        var element = tensor.offset
        for axis in 0..<tensor.rank { element += index[axis] * tensor.strides[axis] }
        return base[element]
    }
}

/// A small deterministic generator for test data (SplitMix64), independent of the engine's.
struct TestRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [low, high).
    mutating func double(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) * 0x1p-53
    }
    /// Uniform in low...high.
    mutating func int(_ low: Int, _ high: Int) -> Int {
        low + Int(next() % UInt64(high - low + 1))
    }
}

/// Random test values of element type T: small integers (so float sums are exact), and
/// for integer types values that wrap on multiplication.
func randomValues<T: Element>(_ count: Int, _: T.Type, seed: UInt64) -> [T] {
    var random = TestRandom(seed)
    return (0..<count).map { _ in
        switch T.dtype {
        case .float32, .float64: return T(fromDouble: (random.double(-8, 8) * 4).rounded() / 4)
        case .int32: return T(fromInt64: Int64(random.int(-100_000, 100_000)))
        case .int64: return T(fromInt64: Int64(bitPattern: random.next()) >> 20)
        case .uint8: return T(fromInt64: Int64(random.int(0, 255)))
        case .bool: return T(fromInt64: Int64(random.int(0, 1)))
        }
    }
}

/// Index into an operand of `shape` that broadcasts to an output multi-index.
func broadcastIndex(_ output: [Int], into shape: [Int]) -> [Int] {
    let lead = output.count - shape.count
    return (0..<shape.count).map { shape[$0] == 1 ? 0 : output[lead + $0] }
}

/// Equality that treats two NaNs as equal.
func sameValue<T: Element>(_ a: T, _ b: T) -> Bool {
    if T.dtype.isFloatingPoint {
        let x = a.doubleValue, y = b.doubleValue
        return (x.isNaN && y.isNaN) || x == y
    }
    return a.int64Value == b.int64Value
}

/// Asserts equal arrays (NaN equals NaN), reporting the first mismatch with its position.
func assertSameValues<T: Element>(
    _ actual: [T], _ expected: [T], _ message: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "\(message): counts differ", file: file, line: line)
    for i in 0..<min(actual.count, expected.count) where !sameValue(actual[i], expected[i]) {
        XCTFail("\(message): element \(i) is \(actual[i]), expected \(expected[i])", file: file, line: line)
        return
    }
}

/// Asserts that `body` throws an SDLError of `kind` whose message starts with `[op]`.
func assertThrows<R>(
    _ kind: SDLError.Kind, op: String, _ body: @autoclosure () throws -> R,
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        _ = try body()
        XCTFail("expected a \(kind) error from \(op)", file: file, line: line)
    } catch let error as SDLError {
        XCTAssertEqual(error.kind, kind, error.message, file: file, line: line)
        XCTAssertTrue(error.message.hasPrefix("[\(op)]"), "message: \(error.message)", file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}
