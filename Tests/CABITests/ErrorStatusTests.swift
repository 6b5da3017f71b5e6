import CSwiftDL
import SwiftDLC
import XCTest

/// Bad input through the C ABI gives a status code and a "[op] ..." message, writes NULL
/// to the out-pointer, leaks nothing, and never traps.
final class ErrorStatusTests: XCTestCase {
    func testUnknownDTypeCodesAreTypeErrors() {
        var shape: [Int64] = [2]
        let value = floatTensor([1], [])
        defer { sdl_tensor_free(value) }
        for code: Int32 in [-1, 6, 99, Int32.max, Int32.min] {
            expectFailure(typeError, "dtype code \(code)") { sdl_tensor_empty(code, &shape, 1, 0, $0) }
            expectFailure(typeError, "dtype") { sdl_tensor_cast(value, code, $0) }
            expectFailure(typeError, "dtype") { sdl_full(&shape, 1, value, code, $0) }
            expectFailure(typeError, "dtype") { sdl_arange(0, 3, 1, code, $0) }
            expectFailure(typeError, "dtype") { sdl_linspace(0, 3, 4, 1, code, $0) }
            expectFailure(typeError, "dtype") { sdl_eye(2, 2, 0, code, $0) }
            expectFailure(typeError, "dtype") { sdl_random_uniform(&shape, 1, 0, 1, code, $0) }
            expectFailure(typeError, "dtype") { sdl_random_normal(&shape, 1, 0, 1, code, $0) }
            expectFailure(typeError, "dtype") { sdl_random_randint(&shape, 1, 0, 5, code, $0) }
            var data: Float = 0
            expectFailure(typeError, "dtype") { sdl_tensor_from_data(code, &shape, 1, nil, &data, $0) }
        }
    }

    func testNullHandlesAreValueErrors() {
        let x = floatTensor([1, 2], [2])
        defer { sdl_tensor_free(x) }
        var axes: [Int64] = [0], shape: [Int64] = [2]
        expectFailure(valueError, "NULL tensor handle") { sdl_binary(Int32(SDL_BINARY_ADD), nil, x, nil, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_binary(Int32(SDL_BINARY_ADD), x, nil, nil, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_unary(Int32(SDL_UNARY_EXP), nil, nil, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_reduce(Int32(SDL_REDUCE_SUM), nil, &axes, 1, 0, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_var(nil, nil, 0, 0, 0, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_matmul(x, nil, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_where(nil, x, x, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_take(x, nil, 0, 0, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_gather_offsets(nil, x, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_nonzero(nil, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_full(&shape, 1, nil, float32Code, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_tensor_cast(nil, float32Code, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_tensor_view(nil, 0, shape, [1], 1, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_reshape(nil, &shape, 1, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_transpose(nil, nil, 0, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_expand_dims(nil, 0, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_squeeze(nil, nil, 0, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_broadcast_to(nil, &shape, 1, $0) }
        var handles: [sdl_tensor?] = [x, nil]
        expectFailure(valueError, "NULL tensor handle") { sdl_concatenate(&handles, 2, 0, $0) }
        expectFailure(valueError, "NULL tensor handle") { sdl_stack(&handles, 2, 0, $0) }
        expectFailure(valueError, "NULL tensor array") { sdl_concatenate(nil, 2, 0, $0) }
        expectFailure(valueError, "negative tensor count") { sdl_stack(&handles, -1, 0, $0) }
        XCTAssertEqual(sdl_tensor_assign(nil, x), valueError)
        XCTAssertEqual(sdl_tensor_assign(x, nil), valueError)
        XCTAssertEqual(sdl_scatter_offsets(x, nil, x), valueError)
        XCTAssertTrue(lastError.contains("NULL tensor handle"), lastError)
    }

    /// Metadata getters cannot report errors; on NULL they return neutral values.
    func testMetadataGettersTolerateNull() {
        XCTAssertEqual(sdl_tensor_ndim(nil), 0)
        XCTAssertEqual(sdl_tensor_dtype(nil), -1)
        XCTAssertEqual(sdl_tensor_size(nil), 0)
        XCTAssertNil(sdl_tensor_data(nil))
        XCTAssertEqual(sdl_tensor_offset(nil), 0)
        XCTAssertEqual(sdl_tensor_is_contiguous(nil), 0)
        XCTAssertEqual(sdl_tensor_shares_memory(nil, nil), 0)
        sdl_tensor_shape(nil, nil)
        sdl_tensor_strides(nil, nil)
        let x = floatTensor([1, 2], [2])
        sdl_tensor_shape(x, nil)
        sdl_tensor_strides(x, nil)
        sdl_tensor_free(x)
    }

    func testNullOutPointersAreValueErrors() {
        let x = floatTensor([1, 2], [2])
        defer { sdl_tensor_free(x) }
        let before = sdl_live_tensors()
        var shape: [Int64] = [2]
        let statuses: [Int32] = [
            sdl_tensor_empty(float32Code, &shape, 1, 0, nil),
            sdl_binary(Int32(SDL_BINARY_ADD), x, x, nil, nil),
            sdl_unary(Int32(SDL_UNARY_EXP), x, nil, nil),
            sdl_reduce(Int32(SDL_REDUCE_SUM), x, nil, 0, 0, nil),
            sdl_matmul(x, x, nil),
            sdl_tensor_cast(x, float64Code, nil),
            sdl_reshape(x, &shape, 1, nil),
            sdl_arange(0, 1, 1, float32Code, nil),
            sdl_random_uniform(&shape, 1, 0, 1, float32Code, nil),
            sdl_random_permutation(3, nil),
        ]
        for (index, status) in statuses.enumerated() { XCTAssertEqual(status, valueError, "call \(index)") }
        XCTAssertTrue(lastError.contains("NULL out-pointer"), lastError)
        XCTAssertEqual(sdl_live_tensors(), before)
    }

    func testBadRanksAndShapes() {
        var big = [Int64](repeating: 1, count: 65)
        expectFailure(valueError, "rank must be between 0 and 64; received 65") {
            sdl_tensor_empty(float32Code, &big, 65, 0, $0)
        }
        expectFailure(valueError, "received -1") { sdl_tensor_empty(float32Code, &big, -1, 0, $0) }
        expectFailure(valueError, "received \(Int32.min)") {
            sdl_random_uniform(&big, Int32.min, 0, 1, float32Code, $0)
        }
        // Rank 64 is the most allowed.
        let widest = make("rank 64") { sdl_tensor_empty(float32Code, &big, 64, 0, $0) }
        XCTAssertEqual(sdl_tensor_ndim(widest), 64)
        sdl_tensor_free(widest)
        expectFailure(valueError, "NULL array") { sdl_tensor_empty(float32Code, nil, 2, 0, $0) }
        var negative: [Int64] = [2, -3]
        expectFailure(valueError, "negative dimensions") { sdl_tensor_empty(float32Code, &negative, 2, 0, $0) }
        var huge: [Int64] = [1 << 40, 1 << 40]
        expectFailure(memoryError, "too") { sdl_tensor_empty(float32Code, &huge, 2, 0, $0) }
        var large: [Int64] = [1 << 61]
        expectFailure(memoryError, "too large") { sdl_tensor_empty(float64Code, &large, 1, 0, $0) }
        let x = floatTensor([1, 2, 3, 4, 5, 6], [2, 3])
        defer { sdl_tensor_free(x) }
        var axes = [Int64](repeating: 0, count: 65)
        expectFailure(valueError, "rank must be between") { sdl_reduce(Int32(SDL_REDUCE_SUM), x, &axes, 65, 0, $0) }
        expectFailure(valueError, "rank must be between") { sdl_transpose(x, &axes, -2, $0) }
    }

    func testBadOpCodesAndArguments() {
        let x = floatTensor([1, 2, 3, 4, 5, 6], [2, 3]), y = floatTensor([1, 2], [2])
        defer { sdl_tensor_free(x); sdl_tensor_free(y) }
        expectFailure(valueError, "unknown op code 999") { sdl_binary(999, x, x, nil, $0) }
        expectFailure(valueError, "unknown op code -1") { sdl_unary(-1, x, nil, $0) }
        expectFailure(valueError, "unknown op code 42") { sdl_reduce(42, x, nil, 0, 0, $0) }
        expectFailure(valueError, "could not be broadcast") { sdl_binary(Int32(SDL_BINARY_ADD), x, y, nil, $0) }
        expectFailure(valueError, "mismatch") { sdl_matmul(x, x, $0) }
        var axis: [Int64] = [5]
        expectFailure(valueError, "out of bounds") { sdl_reduce(Int32(SDL_REDUCE_MAX), x, &axis, 1, 0, $0) }
        var offsets: [Int64] = [0, 6]
        let offsetTensor = make("offsets") { out in
            var shape: [Int64] = [2]
            return offsets.withUnsafeMutableBytes {
                sdl_tensor_from_data(int64Code, &shape, 1, nil, $0.baseAddress, out)
            }
        }
        defer { sdl_tensor_free(offsetTensor) }
        expectFailure(indexError, "outside the storage") { sdl_gather_offsets(x, offsetTensor, $0) }
        XCTAssertEqual(sdl_scatter_offsets(x, offsetTensor, y), indexError)
        expectFailure(indexError, "out of bounds") { sdl_take(x, offsetTensor, 1, 1, $0) }
        expectFailure(valueError, "step") { sdl_arange(0, 1, 0, float32Code, $0) }
        expectFailure(valueError, "finite") { sdl_arange(0, .infinity, 1, float32Code, $0) }
        expectFailure(memoryError, "too many") { sdl_arange(0, 1e300, 1, float32Code, $0) }
        expectFailure(valueError, "non-negative") { sdl_linspace(0, 1, -3, 1, float32Code, $0) }
        expectFailure(valueError, "negative") { sdl_eye(-1, 2, 0, float32Code, $0) }
        expectFailure(valueError, "low >= high") {
            var s: [Int64] = [2]; return sdl_random_randint(&s, 1, 3, 3, int64Code, $0)
        }
        var reshape: [Int64] = [4, -1]
        expectFailure(valueError, "cannot reshape") { sdl_reshape(x, &reshape, 2, $0) }
        XCTAssertEqual(sdl_tensor_assign(y, x), valueError)
        XCTAssertTrue(lastError.hasPrefix("[assign]"), lastError)
        // The engine is still healthy after all of that.
        let sum = make("sum") { sdl_binary(Int32(SDL_BINARY_ADD), x, x, nil, $0) }
        XCTAssertEqual(floatValues(sum).values, [2, 4, 6, 8, 10, 12])
        sdl_tensor_free(sum)
    }

    /// sdl_tensor_view lets no element fall outside the storage, whatever the geometry.
    func testViewsOutsideTheStorageAreRefused() {
        let x = floatTensor((0..<12).map(Float.init), [12])
        defer { sdl_tensor_free(x) }
        func view(_ offset: Int64, _ shape: [Int64], _ strides: [Int64]) -> (Int32, sdl_tensor?) {
            var s = shape, t = strides, out: sdl_tensor? = nil
            let status = sdl_tensor_view(x, offset, &s, &t, Int32(shape.count), &out)
            return (status, out)
        }
        // Legal views: the whole, a reversed one, a strided 2-d one, an empty one anywhere.
        for (offset, shape, strides, expected) in [
            (Int64(0), [Int64(12)], [Int64(1)], (0..<12).map(Float.init)),
            (11, [12], [-1], (0..<12).reversed().map(Float.init)),
            (1, [2, 3], [6, 2], [1, 3, 5, 7, 9, 11]),
            (11, [3, 2], [-4, -1], [11, 10, 7, 6, 3, 2]),
            (500, [0, 3], [1, 1], []),
            (5, [4], [0], [5, 5, 5, 5]),
        ] as [(Int64, [Int64], [Int64], [Float])] {
            let (status, out) = view(offset, shape, strides)
            XCTAssertEqual(status, ok, "\(offset) \(shape) \(strides): \(lastError)")
            XCTAssertEqual(floatValues(out).values, expected)
            sdl_tensor_free(out)
        }
        let before = sdl_live_tensors()
        for (offset, shape, strides) in [
            (Int64(1), [Int64(12)], [Int64(1)]), // one past the end
            (-1, [1], [1]), // before the start
            (12, [1], [1]),
            (0, [12], [-1]), // reversed from the first element
            (0, [2, 7], [6, 1]), // last row too long
            (10, [2, 2], [-6, 2]),
            (0, [3], [Int64.max]), // stride overflow
            (0, [Int64.max], [1]),
            (Int64.max, [1], [1]),
            (Int64.max - 1, [3], [1]), // the end overflows
            (Int64.min + 1, [3], [-1]), // the start overflows
            (0, [2, 2], [Int64.max / 2 + 1, Int64.max / 2 + 1]),
        ] as [(Int64, [Int64], [Int64])] {
            let (status, out) = view(offset, shape, strides)
            XCTAssertEqual(status, indexError, "\(offset) \(shape) \(strides): \(lastError)")
            XCTAssertNil(out)
            XCTAssertTrue(lastError.hasPrefix("[view]"), lastError)
        }
        let (status, out) = view(0, [-2], [1])
        XCTAssertEqual(status, valueError)
        XCTAssertNil(out)
        XCTAssertEqual(sdl_live_tensors(), before)
    }

    /// The last error belongs to the thread that caused it.
    func testLastErrorIsPerThread() {
        var shape: [Int64] = [1]
        var out: sdl_tensor? = nil
        XCTAssertEqual(sdl_tensor_empty(77, &shape, 1, 0, &out), typeError)
        let mine = lastError
        var theirs = ""
        runOnThread {
            var s: [Int64] = [-5]
            var o: sdl_tensor? = nil
            _ = sdl_tensor_empty(float32Code, &s, 1, 0, &o)
            theirs = lastError
        }
        XCTAssertTrue(theirs.contains("negative"), theirs)
        XCTAssertEqual(lastError, mine)
    }
}

/// Runs `body` on a new pthread and waits for it.
func runOnThread(_ body: @escaping () -> Void) {
    final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    XCTAssertEqual(
        pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, context), 0)
    pthread_join(thread, nil)
}
