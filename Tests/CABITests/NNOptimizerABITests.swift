import CSwiftDL
import SwiftDLC
import XCTest

/// The nn and optimizer entry points turn NULL handles, NULL arrays and bad codes into
/// error statuses with a message, never a trap, and leak no handles.
final class NNOptimizerABITests: XCTestCase {
    private func tensor(_ values: [Float]) -> sdl_tensor? {
        var shape: [Int64] = [Int64(values.count)]
        var handle: sdl_tensor? = nil
        values.withUnsafeBytes { bytes in
            _ = sdl_tensor_from_data(Int32(SDL_FLOAT32), &shape, 1, nil, bytes.baseAddress, &handle)
        }
        return handle
    }

    func testNullHandlesAndBadCodesAreErrors() {
        var out: sdl_tensor? = nil
        XCTAssertEqual(sdl_nn_softmax(nil, -1, 0, &out), Int32(SDL_ERROR_VALUE))
        XCTAssertNil(out)
        let x = tensor([1, 2, 3])
        XCTAssertEqual(sdl_nn_activation(99, x, 0, &out), Int32(SDL_ERROR_VALUE))
        XCTAssertTrue(String(cString: sdl_last_error()).contains("unknown activation code 99"))
        XCTAssertEqual(sdl_nn_softmax(x, -1, 0, nil), Int32(SDL_ERROR_VALUE))
        var mean: sdl_tensor? = nil
        XCTAssertEqual(sdl_nn_moments(x, nil, 1, 0, &mean, nil), Int32(SDL_ERROR_VALUE))
        XCTAssertEqual(sdl_nn_moments(x, nil, 1, 0, &mean, &out), Int32(SDL_ERROR_VALUE)) // NULL axes with a count
        XCTAssertNil(mean)
        XCTAssertEqual(sdl_nn_sparse_softmax_cross_entropy(nil, x, &out), Int32(SDL_ERROR_VALUE))
        sdl_tensor_free(x)
    }

    func testOptimizerCallsRefuseNullArraysAndOptions() {
        let before = sdl_live_tensors()
        let variable = tensor([1, 2]), gradient = tensor([0.5, 0.5]), slot = tensor([0, 0])
        var options = sdl_optimizer_options(
            learning_rate: 0.1, weight_decay: 0, clipnorm: 0, clipvalue: 0, global_clipnorm: 0,
            weight_decay_mask: nil, weight_decay_mask_count: 0)
        var variables: [sdl_tensor?] = [variable], gradients: [sdl_tensor?] = [gradient], slots: [sdl_tensor?] = [slot]
        XCTAssertEqual(sdl_optimizer_sgd(nil, &variables, &gradients, 1, nil, 0, 0), Int32(SDL_ERROR_VALUE))
        XCTAssertEqual(sdl_optimizer_sgd(&options, nil, &gradients, 1, nil, 0, 0), Int32(SDL_ERROR_VALUE))
        XCTAssertEqual(
            sdl_optimizer_adam(&options, &variables, &gradients, 1, nil, &slots, nil, 0.9, 0.999, 1e-7, 0, 1),
            Int32(SDL_ERROR_VALUE))
        XCTAssertEqual(
            sdl_optimizer_rmsprop(&options, &variables, &gradients, 1, nil, nil, nil, 0.9, 0, 1e-7, 0),
            Int32(SDL_ERROR_VALUE))
        XCTAssertEqual(
            sdl_optimizer_adagrad(&options, &variables, &gradients, -1, &slots, 1e-7), Int32(SDL_ERROR_VALUE))
        var nullEntries: [sdl_tensor?] = [nil]
        XCTAssertEqual(
            sdl_optimizer_adagrad(&options, &nullEntries, &gradients, 1, &slots, 1e-7), Int32(SDL_ERROR_VALUE))
        let mask: [UInt8] = [1, 0]
        options.weight_decay = 0.1
        mask.withUnsafeBufferPointer { flags in
            options.weight_decay_mask = flags.baseAddress
            options.weight_decay_mask_count = 2 // two flags for one variable
            XCTAssertEqual(
                sdl_optimizer_adagrad(&options, &variables, &gradients, 1, &slots, 1e-7), Int32(SDL_ERROR_VALUE))
        }
        XCTAssertTrue(String(cString: sdl_last_error()).contains("weight decay mask has 2 flags for 1 variables"))
        options.weight_decay_mask = nil
        options.weight_decay_mask_count = 0
        XCTAssertEqual(sdl_optimizer_sgd(&options, &variables, &gradients, 1, nil, 0, 0), Int32(SDL_OK))
        let updated = sdl_tensor_data(variable)!.assumingMemoryBound(to: Float.self)
        XCTAssertEqual(updated[0], 1 - 1 * 0.1 * 0.1 - 0.05, accuracy: 1e-6)
        for handle in [variable, gradient, slot] { sdl_tensor_free(handle) }
        XCTAssertEqual(sdl_live_tensors(), before)
    }
}
