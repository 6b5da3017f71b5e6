import CSwiftDL
import SwiftDLC
import XCTest

/// What the ready callback saw, reached through the C context pointer.
private final class Told {
    var indices: [Int32] = []
    var failAt: Int32? = nil
}

/// A C ready callback: records the index, fails with a value error at `failAt`.
private let recordReady: sdl_gradient_ready_fn = { context, index in
    guard let context else { return Int32(SDL_ERROR_VALUE) }
    let told = Unmanaged<Told>.fromOpaque(context).takeUnretainedValue()
    told.indices.append(index)
    return index == told.failAt ? Int32(SDL_ERROR_VALUE) : Int32(SDL_OK)
}

final class GradientNotifyABITests: XCTestCase {
    /// loss = Σ (a · b) · a over a tape that watches a and b: a is read twice.
    private func recordLoss(_ tape: sdl_tape?, _ a: sdl_tensor?, _ b: sdl_tensor?) -> [sdl_tensor?] {
        XCTAssertEqual(sdl_tape_enter(tape), ok)
        let product = make("multiply") { sdl_binary(Int32(SDL_BINARY_MULTIPLY), a, b, nil, $0) }
        let again = make("multiply again") { sdl_binary(Int32(SDL_BINARY_MULTIPLY), product, a, nil, $0) }
        let loss = make("sum") { sdl_reduce(Int32(SDL_REDUCE_SUM), again, nil, 0, 0, $0) }
        XCTAssertEqual(sdl_tape_exit(tape), ok)
        return [product, again, loss]
    }

    func testEachSourceIsToldOnceAndItsGradientIsInTheArrayAlready() throws {
        let before = sdl_live_tensors()
        let a = floatTensor([1, 2, 3], [3]), b = floatTensor([4, 5, 6], [3]), unwatched = floatTensor([1], [1])
        var tape: sdl_tape? = nil
        XCTAssertEqual(sdl_tape_new(0, 1, &tape), ok)
        XCTAssertEqual(sdl_tape_watch(tape, a), ok)
        XCTAssertEqual(sdl_tape_watch(tape, b), ok)
        let made = recordLoss(tape, a, b)
        var targets: [sdl_tensor?] = [made[2]]
        var sources: [sdl_tensor?] = [a, b, unwatched]
        var gradients = [sdl_tensor?](repeating: nil, count: 3)
        let told = Told()
        let status = sdl_tape_gradient_notify(
            tape, &targets, nil, 1, &sources, 3, &gradients, recordReady, Unmanaged.passUnretained(told).toOpaque())
        XCTAssertEqual(status, ok, lastError)
        XCTAssertEqual(told.indices.filter { $0 >= 0 }.sorted(), [0, 1, 2])
        XCTAssertEqual(told.indices.first, 2, "a source no op consumes is told before the walk")
        XCTAssertNil(gradients[2])
        // d/da Σ a²b = 2ab, d/db = a².
        XCTAssertEqual(floatValues(gradients[0]).values, [8, 20, 36])
        XCTAssertEqual(floatValues(gradients[1]).values, [1, 4, 9])
        for handle in gradients + made + [a, b, unwatched] { sdl_tensor_free(handle) }
        sdl_tape_free(tape)
        XCTAssertEqual(sdl_live_tensors(), before)
    }

    func testAnErrorFromTheCallbackEndsThePassWithItsStatusAndLeaksNothing() {
        let before = sdl_live_tensors()
        let a = floatTensor([1, 2, 3], [3]), b = floatTensor([4, 5, 6], [3])
        var tape: sdl_tape? = nil
        XCTAssertEqual(sdl_tape_new(0, 1, &tape), ok)
        XCTAssertEqual(sdl_tape_watch(tape, a), ok)
        XCTAssertEqual(sdl_tape_watch(tape, b), ok)
        let made = recordLoss(tape, a, b)
        var targets: [sdl_tensor?] = [made[2]]
        var sources: [sdl_tensor?] = [b, a]
        var gradients = [sdl_tensor?](repeating: nil, count: 2)
        let told = Told()
        told.failAt = 0 // b and a are both final after the first op; b is told first
        let status = sdl_tape_gradient_notify(
            tape, &targets, nil, 1, &sources, 2, &gradients, recordReady, Unmanaged.passUnretained(told).toOpaque())
        XCTAssertEqual(status, valueError)
        XCTAssertTrue(lastError.contains("[gradient] the ready callback failed"), lastError)
        XCTAssertEqual(told.indices.filter { $0 >= 0 }, [0])
        // The caller frees what the array holds already.
        for handle in gradients + made + [a, b] { sdl_tensor_free(handle) }
        sdl_tape_free(tape)
        XCTAssertEqual(sdl_live_tensors(), before)
    }

    func testBadArgumentsAreStatusesNotTraps() {
        var gradients: [sdl_tensor?] = [nil]
        XCTAssertEqual(sdl_tape_gradient_notify(nil, nil, nil, 1, nil, 0, &gradients, recordReady, nil), valueError)
        var tape: sdl_tape? = nil
        XCTAssertEqual(sdl_tape_new(0, 1, &tape), ok)
        XCTAssertEqual(sdl_tape_gradient_notify(tape, nil, nil, 0, nil, 0, &gradients, nil, nil), valueError)
        XCTAssertEqual(sdl_tape_gradient_notify(tape, nil, nil, 1, nil, -1, nil, nil, nil), valueError)
        sdl_tape_free(tape)
    }
}
