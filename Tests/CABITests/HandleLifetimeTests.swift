import CSwiftDL
import SwiftDLC
import XCTest

final class HandleLifetimeTests: XCTestCase {
    /// Every handle the ABI gives out is counted until freed.
    func testLiveCounterReturnsToStartAfterFree() {
        let before = sdl_live_tensors()
        var shape: [Int64] = [2, 2]
        var handle: sdl_tensor? = nil
        XCTAssertEqual(sdl_tensor_empty(Int32(SDL_FLOAT32), &shape, 2, 1, &handle), Int32(SDL_OK))
        XCTAssertEqual(sdl_live_tensors(), before + 1)
        sdl_tensor_free(handle)
        XCTAssertEqual(sdl_live_tensors(), before)
    }

    func testBadDTypeIsAnErrorStatusWithAMessage() {
        var shape: [Int64] = [2]
        var handle: sdl_tensor? = nil
        let status = sdl_tensor_empty(99, &shape, 1, 0, &handle)
        XCTAssertEqual(status, Int32(SDL_ERROR_TYPE))
        XCTAssertNil(handle)
        XCTAssertTrue(String(cString: sdl_last_error()).contains("dtype"))
    }

    /// Every constructor, view and op result, freed, brings the counter back to where it was.
    func testEveryKindOfResultIsCountedAndFreed() {
        let before = sdl_live_tensors()
        var handles: [sdl_tensor?] = []
        func keep(_ handle: sdl_tensor?) -> sdl_tensor? { handles.append(handle); return handle }

        let a = keep(floatTensor((0..<6).map(Float.init), [2, 3]))
        let b = keep(floatTensor([1, 2, 3], [3]))
        var shape: [Int64] = [2, 3], axes: [Int64] = [1, 0], one: [Int64] = [1]
        _ = keep(make("empty") { sdl_tensor_empty(float64Code, &shape, 2, 0, $0) })
        _ = keep(make("cast") { sdl_tensor_cast(a, int64Code, $0) })
        var viewShape: [Int64] = [3], viewStrides: [Int64] = [2]
        _ = keep(make("view") { sdl_tensor_view(a, 0, &viewShape, &viewStrides, 1, $0) })
        var flat: [Int64] = [-1]
        _ = keep(make("reshape") { sdl_reshape(a, &flat, 1, $0) })
        let transposed = keep(make("transpose") { sdl_transpose(a, &axes, 2, $0) })
        _ = keep(make("expand_dims") { sdl_expand_dims(a, 0, $0) })
        _ = keep(make("squeeze") { sdl_squeeze(a, nil, 0, $0) })
        _ = keep(make("broadcast_to") { sdl_broadcast_to(b, &shape, 2, $0) })
        var pair: [sdl_tensor?] = [a, a]
        _ = keep(make("concatenate") { sdl_concatenate(&pair, 2, 0, $0) })
        _ = keep(make("stack") { sdl_stack(&pair, 2, -1, $0) })
        _ = keep(make("binary") { sdl_binary(Int32(SDL_BINARY_ADD), a, b, nil, $0) })
        // Writing into `into` hands out a new reference to it, which must be freed too.
        let into = keep(make("binary into") { sdl_binary(Int32(SDL_BINARY_MULTIPLY), a, b, a, $0) })
        XCTAssertEqual(sdl_tensor_data(into), sdl_tensor_data(a))
        _ = keep(make("unary") { sdl_unary(Int32(SDL_UNARY_EXP), transposed, nil, $0) })
        _ = keep(make("reduce") { sdl_reduce(Int32(SDL_REDUCE_SUM), a, &one, 1, 1, $0) })
        _ = keep(make("reduce all axes") { sdl_reduce(Int32(SDL_REDUCE_ARGMAX), a, nil, 0, 0, $0) })
        _ = keep(make("var") { sdl_var(a, nil, 0, 1, 0, $0) })
        _ = keep(make("matmul") { sdl_matmul(a, transposed, $0) })
        let mask = keep(make("greater") { sdl_binary(Int32(SDL_BINARY_GREATER), a, b, nil, $0) })
        _ = keep(make("where") { sdl_where(mask, a, b, $0) })
        let index = keep(make("arange") { sdl_arange(0, 2, 1, int64Code, $0) })
        _ = keep(make("take") { sdl_take(a, index, 1, 1, $0) })
        _ = keep(make("take flat") { sdl_take(a, index, 0, 0, $0) })
        _ = keep(make("gather_offsets") { sdl_gather_offsets(a, index, $0) })
        XCTAssertEqual(sdl_scatter_offsets(a, index, index), ok, lastError)
        _ = keep(make("nonzero") { sdl_nonzero(a, $0) })
        _ = keep(make("full") { sdl_full(&shape, 2, b, float32Code, $0) })
        _ = keep(make("linspace") { sdl_linspace(0, 1, 5, 1, float64Code, $0) })
        _ = keep(make("eye") { sdl_eye(3, 4, 1, float32Code, $0) })
        _ = keep(make("uniform") { sdl_random_uniform(&shape, 2, 0, 1, float32Code, $0) })
        _ = keep(make("normal") { sdl_random_normal(&shape, 2, 0, 1, float64Code, $0) })
        _ = keep(make("randint") { sdl_random_randint(&shape, 2, 0, 9, int64Code, $0) })
        _ = keep(make("permutation") { sdl_random_permutation(10, $0) })
        XCTAssertEqual(sdl_tensor_assign(a, b), ok, lastError)

        XCTAssertEqual(sdl_live_tensors(), before + Int64(handles.count))
        XCTAssertTrue(handles.allSatisfy { $0 != nil })
        for handle in handles { sdl_tensor_free(handle) }
        XCTAssertEqual(sdl_live_tensors(), before)
        sdl_tensor_free(nil) // ignored
        XCTAssertEqual(sdl_live_tensors(), before)
    }

    func testFromDataCopiesAndHonoursByteStrides() {
        var source: [Float] = [0, 1, 2, 3, 4, 5]
        var shape: [Int64] = [3, 2], strides: [Int64] = [4, 12] // the transpose of a (2, 3) array
        let tensor = make("from_data") { out in
            source.withUnsafeBytes { sdl_tensor_from_data(float32Code, &shape, 2, &strides, $0.baseAddress, out) }
        }
        source[0] = 99
        XCTAssertEqual(floatValues(tensor).values, [0, 3, 1, 4, 2, 5])
        XCTAssertEqual(sdl_tensor_is_contiguous(tensor), 1)
        sdl_tensor_free(tensor)
        var badStrides: [Int64] = [3, 12]
        expectFailure(valueError, "item size") { out in
            source.withUnsafeBytes { sdl_tensor_from_data(float32Code, &shape, 2, &badStrides, $0.baseAddress, out) }
        }
        expectFailure(valueError, "NULL data") { sdl_tensor_from_data(float32Code, &shape, 2, nil, nil, $0) }
    }

    func testABIVersion() {
        XCTAssertEqual(sdl_abi_version(), Int32(SDL_ABI_VERSION))
        XCTAssertEqual(sdl_abi_version(), 1)
    }

    func testThreadCountRoundTripsAndRefusesZero() {
        let saved = sdl_get_num_threads()
        defer { _ = sdl_set_num_threads(saved) }
        XCTAssertEqual(sdl_set_num_threads(1), ok)
        XCTAssertEqual(sdl_get_num_threads(), 1)
        XCTAssertEqual(sdl_set_num_threads(0), valueError)
        XCTAssertTrue(lastError.hasPrefix("[set_num_threads]"), lastError)
        XCTAssertEqual(sdl_get_num_threads(), 1)
    }

    func testOpDeterminismRoundTripsAndRefusesOtherValues() {
        let saved = sdl_get_op_determinism()
        defer { _ = sdl_set_op_determinism(saved) }
        XCTAssertEqual(sdl_set_op_determinism(1), ok)
        XCTAssertEqual(sdl_get_op_determinism(), 1)
        XCTAssertEqual(sdl_set_op_determinism(2), valueError)
        XCTAssertTrue(lastError.hasPrefix("[set_op_determinism]"), lastError)
        XCTAssertEqual(sdl_get_op_determinism(), 1)
        XCTAssertEqual(sdl_set_op_determinism(0), ok)
        XCTAssertEqual(sdl_get_op_determinism(), 0)
    }
}

final class HostileStrideTests: XCTestCase {
    /// Byte strides whose span overflows Int are an error status, not a trap.
    func testOverflowingStridesAreRefused() {
        var shape: [Int64] = [3, 2]
        var strides: [Int64] = [Int64.max - 7, 4]
        var value: Float = 0
        var handle: sdl_tensor? = nil
        let status = sdl_tensor_from_data(Int32(SDL_FLOAT32), &shape, 2, &strides, &value, &handle)
        XCTAssertEqual(status, Int32(SDL_ERROR_VALUE))
        XCTAssertNil(handle)
        XCTAssertTrue(String(cString: sdl_last_error()).contains("overflow"))
    }
}
