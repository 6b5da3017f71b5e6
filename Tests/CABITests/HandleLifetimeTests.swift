import XCTest
import CSwiftDL
import SwiftDLC

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
}
