import CSwiftDL
import SwiftDLC
import XCTest

/// The recurrent entry points: optional operands as NULL, errors as statuses with every
/// out-pointer NULL, no handle leaked.
final class RecurrentABITests: XCTestCase {
    private func tensor(_ shape: [Int64]) -> sdl_tensor? {
        var shape = shape
        var handle: sdl_tensor? = nil
        XCTAssertEqual(sdl_tensor_empty(Int32(SDL_FLOAT32), &shape, Int32(shape.count), 1, &handle), Int32(SDL_OK))
        return handle
    }

    func testLSTMWithOptionalOperandsOmittedGivesThreeHandles() {
        let before = sdl_live_tensors()
        let x = tensor([2, 3, 4]), kernel = tensor([4, 8]), recurrent = tensor([2, 8])
        var outputs: sdl_tensor? = nil, h: sdl_tensor? = nil, c: sdl_tensor? = nil
        XCTAssertEqual(sdl_lstm(x, kernel, recurrent, nil, nil, nil, nil, 1, 0, &outputs, &h, &c), Int32(SDL_OK))
        XCTAssertEqual(sdl_tensor_ndim(outputs), 3)
        XCTAssertEqual(sdl_tensor_ndim(h), 2)
        for handle in [outputs, h, c, x, kernel, recurrent] { sdl_tensor_free(handle) }
        XCTAssertEqual(sdl_live_tensors(), before)
    }

    func testNullAndMisshapenOperandsAreErrorStatuses() {
        let before = sdl_live_tensors()
        let x = tensor([2, 3, 4]), kernel = tensor([4, 6]), recurrent = tensor([2, 6])
        var outputs: sdl_tensor? = nil, h: sdl_tensor? = nil
        XCTAssertEqual(sdl_gru(nil, kernel, recurrent, nil, nil, nil, 0, 0, &outputs, &h), Int32(SDL_ERROR_VALUE))
        XCTAssertNil(outputs)
        XCTAssertNil(h)
        XCTAssertEqual(sdl_simple_rnn(x, kernel, recurrent, nil, nil, nil, 0, 0, &outputs, &h), Int32(SDL_ERROR_VALUE))
        XCTAssertTrue(
            String(cString: sdl_last_error()).hasPrefix("[simple_rnn] recurrent_kernel must have shape (units, units)"))
        XCTAssertEqual(sdl_gru(x, kernel, recurrent, nil, nil, nil, 0, 0, nil, &h), Int32(SDL_ERROR_VALUE))
        XCTAssertNil(h)
        for handle in [x, kernel, recurrent] { sdl_tensor_free(handle) }
        XCTAssertEqual(sdl_live_tensors(), before)
    }
}
