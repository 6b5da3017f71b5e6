import CSwiftDL
import SwiftDLC
import XCTest

/// Borrowed (zero-copy) memory: the release callback runs exactly once, when the last
/// tensor viewing the buffer is freed, and never when borrowing fails.
final class BorrowedMemoryTests: XCTestCase {
    /// The callback: counts its calls in the Int its context points at.
    private let countRelease: sdl_release_fn = { context in
        context!.assumingMemoryBound(to: Int.self).pointee += 1
    }

    func testReleaseRunsOnceAfterTheLastViewIsFreed() {
        let before = sdl_live_tensors()
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 6)
        for i in 0..<6 { buffer[i] = Float(i) }
        let releases = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        releases.pointee = 0
        defer { buffer.deallocate(); releases.deallocate() }

        var shape: [Int64] = [2, 3]
        let borrowed = make("borrow") {
            sdl_tensor_borrow(float32Code, &shape, 2, nil, buffer, countRelease, releases, $0)
        }
        XCTAssertEqual(sdl_tensor_data(borrowed), UnsafeMutableRawPointer(buffer))
        var axes: [Int64] = [1, 0], flat: [Int64] = [6], viewShape: [Int64] = [2], viewStrides: [Int64] = [-2]
        let transposed = make("transpose") { sdl_transpose(borrowed, &axes, 2, $0) }
        let reshaped = make("reshape") { sdl_reshape(borrowed, &flat, 1, $0) }
        let view = make("view") { sdl_tensor_view(borrowed, 4, &viewShape, &viewStrides, 1, $0) }
        // Writes through the borrowed tensor land in the caller's buffer: no copy was made.
        let doubled = make("multiply into") { sdl_binary(Int32(SDL_BINARY_ADD), borrowed, borrowed, borrowed, $0) }
        XCTAssertEqual(buffer[5], 10)
        XCTAssertEqual(floatValues(view).values, [8, 4])

        for handle in [borrowed, transposed, doubled, reshaped] {
            sdl_tensor_free(handle)
            XCTAssertEqual(releases.pointee, 0, "released while a view was still alive")
        }
        sdl_tensor_free(view)
        XCTAssertEqual(releases.pointee, 1)
        XCTAssertEqual(sdl_live_tensors(), before)
    }

    func testResultsComputedFromBorrowedMemoryDoNotKeepItAlive() {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 4)
        buffer.initialize(repeating: 2, count: 4)
        let releases = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        releases.pointee = 0
        defer { buffer.deallocate(); releases.deallocate() }
        var shape: [Int64] = [4]
        let borrowed = make("borrow") {
            sdl_tensor_borrow(float32Code, &shape, 1, nil, buffer, countRelease, releases, $0)
        }
        let exp = make("exp") { sdl_unary(Int32(SDL_UNARY_SQRT), borrowed, nil, $0) }
        let copy = make("cast") { sdl_tensor_cast(borrowed, float32Code, $0) }
        sdl_tensor_free(borrowed)
        XCTAssertEqual(releases.pointee, 1)
        XCTAssertEqual(floatValues(copy).values, [2, 2, 2, 2])
        XCTAssertEqual(floatValues(exp).values.first ?? 0, Float(2).squareRoot())
        sdl_tensor_free(exp)
        sdl_tensor_free(copy)
        XCTAssertEqual(releases.pointee, 1)
    }

    func testNegativeByteStridesBorrowTheRightSpan() {
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 5)
        for i in 0..<5 { buffer[i] = Double(i) }
        let releases = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        releases.pointee = 0
        defer { buffer.deallocate(); releases.deallocate() }
        var shape: [Int64] = [5], strides: [Int64] = [-8]
        // data points at the logical first element, the buffer's last one.
        let reversed = make("borrow") {
            sdl_tensor_borrow(float64Code, &shape, 1, &strides, buffer + 4, countRelease, releases, $0)
        }
        let total = make("sum") { sdl_reduce(Int32(SDL_REDUCE_ARGMAX), reversed, nil, 0, 0, $0) }
        XCTAssertEqual(sdl_tensor_data(total)?.load(as: Int64.self), 0) // 4.0 comes first
        // The view may not reach past the borrowed span.
        var viewShape: [Int64] = [6], viewStrides: [Int64] = [1]
        expectFailure(indexError, "outside") { sdl_tensor_view(reversed, 0, &viewShape, &viewStrides, 1, $0) }
        sdl_tensor_free(total)
        sdl_tensor_free(reversed)
        XCTAssertEqual(releases.pointee, 1)
    }

    func testFailedBorrowDoesNotCallRelease() {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 4)
        let releases = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        releases.pointee = 0
        defer { buffer.deallocate(); releases.deallocate() }
        var shape: [Int64] = [4], oddStrides: [Int64] = [3], negative: [Int64] = [-4]
        expectFailure(typeError, "dtype") { sdl_tensor_borrow(42, &shape, 1, nil, buffer, countRelease, releases, $0) }
        expectFailure(valueError, "item size") {
            sdl_tensor_borrow(float32Code, &shape, 1, &oddStrides, buffer, countRelease, releases, $0)
        }
        expectFailure(valueError, "negative dimensions") {
            sdl_tensor_borrow(float32Code, &negative, 1, nil, buffer, countRelease, releases, $0)
        }
        expectFailure(valueError, "NULL data") {
            sdl_tensor_borrow(float32Code, &shape, 1, nil, nil, countRelease, releases, $0)
        }
        expectFailure(valueError, "NULL release") {
            sdl_tensor_borrow(float32Code, &shape, 1, nil, buffer, nil, releases, $0)
        }
        XCTAssertEqual(releases.pointee, 0)
    }
}
