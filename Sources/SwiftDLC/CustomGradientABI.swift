import CSwiftDL
import SwiftDL

// Ops whose forward ran outside the engine (keras.ops.custom_gradient, keras.remat) and whose
// backward rule is the caller's function, called back through C.

/// Owns the caller's context: its release function runs when the last tape lets the record go.
private final class ForeignBackward {
    let backward: sdl_custom_backward
    let context: UnsafeMutableRawPointer?
    let release: sdl_release_fn?

    init(backward: sdl_custom_backward, context: UnsafeMutableRawPointer?, release: sdl_release_fn?) {
        self.backward = backward
        self.context = context
        self.release = release
    }

    deinit { release?(context) }

    /// Calls the caller's rule and checks what it hands back against the inputs.
    func callAsFunction(_ upstream: [Tensor?], inputs: [Tensor]) throws -> [Tensor?] {
        // Borrowed handles: `upstream` keeps each tensor alive for the duration of the call.
        let borrowed: [OpaquePointer?] = upstream.map { gradient in
            gradient.map { OpaquePointer(Unmanaged.passUnretained($0).toOpaque()) }
        }
        var returned = [OpaquePointer?](repeating: nil, count: inputs.count)
        let status = borrowed.withUnsafeBufferPointer { outputs in
            returned.withUnsafeMutableBufferPointer { gradients in
                backward(context, outputs.baseAddress, Int32(outputs.count), gradients.baseAddress, Int32(inputs.count))
            }
        }
        // Take over every reference handed back, also when the rule failed half way.
        let taken = returned.map { handle -> Tensor? in
            guard let handle else { return nil }
            let tensor = Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
            tensorFree(handle)
            return tensor
        }
        if status != 0 {
            let kind = SDLError.Kind(rawValue: status) ?? .internal
            throw SDLError(kind, "[custom_gradient] the gradient function failed")
        }
        // A rule may return a deferred product (Ops/Deferred): the walk needs its values.
        let gradients = try taken.map { try $0?.resolved() }
        for (index, (gradient, input)) in zip(gradients, inputs).enumerated() {
            if let gradient, gradient.shape != input.shape {
                throw SDLError(
                    .value,
                    "[custom_gradient] the gradient for input \(index) has shape \(describeShape(gradient.shape)); the input has shape \(describeShape(input.shape))"
                )
            }
        }
        return gradients
    }
}

/// Borrows `count` tensor handles from a C array.
private func borrowAll(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ what: String) throws -> [Tensor] {
    if count < 0 { throw SDLError(.value, "[custom_gradient] negative \(what) count \(count)") }
    if count == 0 { return [] }
    guard let handles else { throw SDLError(.value, "[custom_gradient] received a NULL \(what) array") }
    return try (0..<Int(count)).map { try borrow(handles[$0], "custom_gradient") }
}

@_cdecl("sdl_tape_record_custom")
public func tapeRecordCustom(
    _ inputs: UnsafePointer<OpaquePointer?>?, _ inputCount: Int32, _ outputs: UnsafePointer<OpaquePointer?>?,
    _ outputCount: Int32, _ backward: sdl_custom_backward?, _ context: UnsafeMutableRawPointer?,
    _ release: sdl_release_fn?
) -> Int32 {
    guard let backward else {
        release?(context)
        return perform { throw SDLError(.value, "[custom_gradient] received a NULL backward function") }
    }
    // From here the context belongs to `rule`: its deinit releases it, on every path.
    let rule = ForeignBackward(backward: backward, context: context, release: release)
    return perform {
        let inputTensors = try borrowAll(inputs, inputCount, "inputs")
        let outputTensors = try borrowAll(outputs, outputCount, "outputs")
        if outputTensors.isEmpty { throw SDLError(.value, "[custom_gradient] needs at least one output") }
        record("custom_gradient", inputs: inputTensors, outputs: outputTensors) { upstream in
            try rule(upstream, inputs: inputTensors)
        }
    }
}

@_cdecl("sdl_recording_pause")
public func recordingPause(_ pause: Int32) -> Int32 {
    perform {
        if pause != 0 { pauseRecordingOnThisThread() } else { try resumeRecordingOnThisThread() }
    }
}

@_cdecl("sdl_recording_active")
public func recordingActive(_ recording: UnsafeMutablePointer<Int32>?) -> Int32 {
    perform {
        guard let recording else { throw SDLError(.value, "[recording] received a NULL out-pointer") }
        recording.pointee = isRecordingGradients ? 1 : 0
    }
}
