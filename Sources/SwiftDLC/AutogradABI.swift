import CSwiftDL
import SwiftDL

/// The tape behind a borrowed tape handle.
private func borrowTape(_ handle: OpaquePointer?) throws -> GradientTape {
    guard let handle else { throw SDLError(.value, "[tape] received a NULL tape handle") }
    return Unmanaged<GradientTape>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
}

@_cdecl("sdl_tape_new")
public func tapeNew(_ persistent: Int32, _ watchAccessedVariables: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?)
    -> Int32
{
    guard let out else {
        sdl_internal_set_last_error("[tape] received a NULL out-pointer")
        return SDLError.Kind.value.rawValue
    }
    let tape = GradientTape(persistent: persistent != 0, watchAccessedVariables: watchAccessedVariables != 0)
    out.pointee = OpaquePointer(Unmanaged.passRetained(tape).toOpaque())
    return 0
}

@_cdecl("sdl_tape_free")
public func tapeFree(_ handle: OpaquePointer?) {
    guard let handle else { return }
    Unmanaged<GradientTape>.fromOpaque(UnsafeRawPointer(handle)).release()
}

@_cdecl("sdl_tape_enter")
public func tapeEnter(_ handle: OpaquePointer?) -> Int32 { perform { try borrowTape(handle).enter() } }

@_cdecl("sdl_tape_exit")
public func tapeExit(_ handle: OpaquePointer?) -> Int32 { perform { try borrowTape(handle).exit() } }

@_cdecl("sdl_tape_set_recording")
public func tapeSetRecording(_ handle: OpaquePointer?, _ recording: Int32) -> Int32 {
    perform { try borrowTape(handle).isRecording = recording != 0 }
}

@_cdecl("sdl_tape_watch")
public func tapeWatch(_ handle: OpaquePointer?, _ tensor: OpaquePointer?) -> Int32 {
    perform { try borrowTape(handle).watch(borrow(tensor, "watch")) }
}

@_cdecl("sdl_tape_gradient")
public func tapeGradient(
    _ handle: OpaquePointer?, _ targets: UnsafePointer<OpaquePointer?>?,
    _ outputGradients: UnsafePointer<OpaquePointer?>?,
    _ targetCount: Int32, _ sources: UnsafePointer<OpaquePointer?>?, _ count: Int32,
    _ gradients: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    tapeGradientNotify(handle, targets, outputGradients, targetCount, sources, count, gradients, nil, nil)
}

@_cdecl("sdl_tape_gradient_notify")
public func tapeGradientNotify(
    _ handle: OpaquePointer?, _ targets: UnsafePointer<OpaquePointer?>?,
    _ outputGradients: UnsafePointer<OpaquePointer?>?,
    _ targetCount: Int32, _ sources: UnsafePointer<OpaquePointer?>?, _ count: Int32,
    _ gradients: UnsafeMutablePointer<OpaquePointer?>?, _ ready: sdl_gradient_ready_fn?,
    _ context: UnsafeMutableRawPointer?
) -> Int32 {
    perform {
        guard let gradients else { throw SDLError(.value, "[gradient] received a NULL gradients array") }
        if count < 0 { throw SDLError(.value, "[gradient] negative source count \(count)") }
        if targetCount < 1 { throw SDLError(.value, "[gradient] needs at least one target; received \(targetCount)") }
        guard count == 0 || sources != nil else { throw SDLError(.value, "[gradient] received a NULL sources array") }
        guard let targets else { throw SDLError(.value, "[gradient] received a NULL targets array") }
        let tape = try borrowTape(handle)
        let sourceTensors = try (0..<Int(count)).map { try borrow(sources?[$0], "gradient") }
        let targetTensors = try (0..<Int(targetCount)).map { try borrow(targets[$0], "gradient") }
        let seeds = try (0..<Int(targetCount)).map { index -> Tensor? in
            guard let seed = outputGradients?[index] else { return nil }
            return try borrow(seed, "gradient")
        }
        for index in 0..<Int(count) { gradients[index] = nil }
        guard let ready else {
            let results = try tape.gradient(of: targetTensors, withRespectTo: sourceTensors, outputGradients: seeds)
            for (index, result) in results.enumerated() { gradients[index] = result.map(makeHandle) }
            return
        }
        // Each final gradient goes out as soon as it is known; the caller owns it from then on.
        func tell(_ index: Int32) throws {
            let status = ready(context, index)
            if status != 0 {
                throw SDLError(SDLError.Kind(rawValue: status) ?? .internal, "[gradient] the ready callback failed")
            }
        }
        _ = try tape.gradient(
            of: targetTensors, withRespectTo: sourceTensors, outputGradients: seeds,
            whenFinal: { index, gradient in
                gradients[index] = gradient.map(makeHandle)
                try tell(Int32(index))
            },
            afterEachOp: { try tell(-1) })
    }
}

@_cdecl("sdl_tensor_set_trainable_variable")
public func tensorSetTrainableVariable(_ handle: OpaquePointer?, _ trainable: Int32) -> Int32 {
    perform { try borrow(handle, "Variable").isTrainableVariable = trainable != 0 }
}

@_cdecl("sdl_stop_gradient")
public func stopGradient(_ handle: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    // A new tensor object over the same memory: no tape has seen it, so no gradient flows.
    produce(out) {
        let tensor = try borrow(handle, "stop_gradient")
        return tensor.view(shape: tensor.shape, strides: tensor.strides, offset: tensor.offset)
    }
}

@_cdecl("sdl_tensor_retain")
public func tensorRetain(_ handle: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out) { try borrow(handle, "retain") }
}

@_cdecl("sdl_tape_watched_variables")
public func tapeWatchedVariables(
    _ handle: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int32,
    _ count: UnsafeMutablePointer<Int32>?
) -> Int32 {
    perform {
        guard let count else { throw SDLError(.value, "[watched_variables] received a NULL count pointer") }
        let variables = try borrowTape(handle).watchedVariables
        count.pointee = Int32(clamping: variables.count)
        let written = min(variables.count, max(Int(capacity), 0))
        if written > 0 {
            guard let out else { throw SDLError(.value, "[watched_variables] received a NULL out array") }
            for index in 0..<written { out[index] = makeHandle(variables[index]) }
        }
    }
}

@_cdecl("sdl_tape_recorded_count")
public func tapeRecordedCount(_ handle: OpaquePointer?, _ count: UnsafeMutablePointer<Int64>?) -> Int32 {
    perform {
        guard let count else { throw SDLError(.value, "[tape] received a NULL count pointer") }
        count.pointee = Int64(try borrowTape(handle).recordedCount)
    }
}
