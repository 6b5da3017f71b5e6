import CSwiftDL
import SwiftDL

// Shims for the fused optimizer updates: arrays of borrowed handles in, variables and
// slots updated in place, a status out.

/// `count` borrowed tensors from a C array; a NULL array is an empty list.
private func readTensors(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ op: String, _ what: String) throws
    -> [Tensor]
{
    if count < 0 { throw SDLError(.value, "[\(op)] negative \(what) count \(count)") }
    guard let handles else { return [] }
    return try (0..<Int(count)).map { try borrow(handles[$0], op) }
}

private func readOptions(_ options: UnsafePointer<sdl_optimizer_options>?, _ op: String) throws -> OptimizerOptions {
    guard let options = options?.pointee else { throw SDLError(.value, "[\(op)] received NULL options") }
    var mask: [Bool]?
    if let flags = options.weight_decay_mask {
        if options.weight_decay_mask_count < 0 { throw SDLError(.value, "[\(op)] negative weight decay mask count") }
        mask = (0..<Int(options.weight_decay_mask_count)).map { flags[$0] != 0 }
    }
    return OptimizerOptions(
        learningRate: options.learning_rate, weightDecay: options.weight_decay,
        clipnorm: options.clipnorm, clipvalue: options.clipvalue, globalClipnorm: options.global_clipnorm,
        weightDecayMask: mask)
}

/// The variables and gradients every optimizer call starts with; both arrays are required.
private func readPairs(
    _ variables: UnsafePointer<OpaquePointer?>?, _ gradients: UnsafePointer<OpaquePointer?>?, _ count: Int32,
    _ op: String
) throws -> ([Tensor], [Tensor]) {
    if count > 0 && (variables == nil || gradients == nil) {
        throw SDLError(.value, "[\(op)] received a NULL variables or gradients array")
    }
    return (try readTensors(variables, count, op, "variables"), try readTensors(gradients, count, op, "gradients"))
}

@_cdecl("sdl_optimizer_sgd")
public func optimizerSGD(
    _ options: UnsafePointer<sdl_optimizer_options>?, _ variables: UnsafePointer<OpaquePointer?>?,
    _ gradients: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ momentums: UnsafePointer<OpaquePointer?>?,
    _ momentum: Double, _ nesterov: Int32
) -> Int32 {
    perform {
        let (v, g) = try readPairs(variables, gradients, count, "SGD")
        try sgdUpdate(
            variables: v, gradients: g, momentums: readTensors(momentums, count, "SGD", "momentums"),
            momentum: momentum, nesterov: nesterov != 0, options: readOptions(options, "SGD"))
    }
}

@_cdecl("sdl_optimizer_adam")
public func optimizerAdam(
    _ options: UnsafePointer<sdl_optimizer_options>?, _ variables: UnsafePointer<OpaquePointer?>?,
    _ gradients: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ momentums: UnsafePointer<OpaquePointer?>?,
    _ velocities: UnsafePointer<OpaquePointer?>?, _ velocityHats: UnsafePointer<OpaquePointer?>?,
    _ beta1: Double, _ beta2: Double, _ epsilon: Double, _ amsgrad: Int32, _ step: Int64
) -> Int32 {
    perform {
        let (v, g) = try readPairs(variables, gradients, count, "Adam")
        if count > 0 && (momentums == nil || velocities == nil) {
            throw SDLError(.value, "[Adam] received a NULL momentums or velocities array")
        }
        try adamUpdate(
            variables: v, gradients: g, momentums: readTensors(momentums, count, "Adam", "momentums"),
            velocities: readTensors(velocities, count, "Adam", "velocities"),
            velocityHats: readTensors(velocityHats, count, "Adam", "velocity_hats"),
            beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad != 0, step: step,
            options: readOptions(options, "Adam"))
    }
}

@_cdecl("sdl_optimizer_rmsprop")
public func optimizerRMSprop(
    _ options: UnsafePointer<sdl_optimizer_options>?, _ variables: UnsafePointer<OpaquePointer?>?,
    _ gradients: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ velocities: UnsafePointer<OpaquePointer?>?,
    _ momentums: UnsafePointer<OpaquePointer?>?, _ averageGradients: UnsafePointer<OpaquePointer?>?,
    _ rho: Double, _ momentum: Double, _ epsilon: Double, _ centered: Int32
) -> Int32 {
    perform {
        let (v, g) = try readPairs(variables, gradients, count, "RMSprop")
        if count > 0 && velocities == nil { throw SDLError(.value, "[RMSprop] received a NULL velocities array") }
        try rmspropUpdate(
            variables: v, gradients: g, velocities: readTensors(velocities, count, "RMSprop", "velocities"),
            momentums: readTensors(momentums, count, "RMSprop", "momentums"),
            averageGradients: readTensors(averageGradients, count, "RMSprop", "average_gradients"),
            rho: rho, momentum: momentum, epsilon: epsilon, centered: centered != 0,
            options: readOptions(options, "RMSprop"))
    }
}

@_cdecl("sdl_optimizer_adagrad")
public func optimizerAdagrad(
    _ options: UnsafePointer<sdl_optimizer_options>?, _ variables: UnsafePointer<OpaquePointer?>?,
    _ gradients: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ accumulators: UnsafePointer<OpaquePointer?>?,
    _ epsilon: Double
) -> Int32 {
    perform {
        let (v, g) = try readPairs(variables, gradients, count, "Adagrad")
        if count > 0 && accumulators == nil { throw SDLError(.value, "[Adagrad] received a NULL accumulators array") }
        try adagradUpdate(
            variables: v, gradients: g, accumulators: readTensors(accumulators, count, "Adagrad", "accumulators"),
            epsilon: epsilon, options: readOptions(options, "Adagrad"))
    }
}
