import CSwiftDL
import SwiftDL

// Shims for the tf.nn ops: activations, softmax, cross-entropies, normalisation, dropout.

@_cdecl("sdl_nn_activation")
public func nnActivation(
    _ code: Int32, _ x: OpaquePointer?, _ alpha: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        guard let activation = Activation(rawValue: code) else {
            throw SDLError(.value, "[activation] unknown activation code \(code)")
        }
        return try activate(activation, borrow(x, activation.name), alpha: alpha)
    }
}

@_cdecl("sdl_nn_softmax")
public func nnSoftmax(
    _ logits: OpaquePointer?, _ axis: Int64, _ log: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try softmaxDeferringScores(
            borrowUnresolved(logits, log != 0 ? "log_softmax" : "softmax"), axis: Int(axis), log: log != 0)
    }
}

@_cdecl("sdl_nn_sparse_softmax_cross_entropy")
public func nnSparseSoftmaxCrossEntropy(
    _ labels: OpaquePointer?, _ logits: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "sparse_softmax_cross_entropy_with_logits"
    return produce(out) { try sparseSoftmaxCrossEntropy(labels: borrow(labels, op), logits: borrow(logits, op)) }
}

@_cdecl("sdl_nn_softmax_cross_entropy")
public func nnSoftmaxCrossEntropy(
    _ labels: OpaquePointer?, _ logits: OpaquePointer?, _ axis: Int64,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "softmax_cross_entropy_with_logits"
    return produce(out) {
        try softmaxCrossEntropy(labels: borrow(labels, op), logits: borrow(logits, op), axis: Int(axis))
    }
}

@_cdecl("sdl_nn_sigmoid_cross_entropy")
public func nnSigmoidCrossEntropy(
    _ labels: OpaquePointer?, _ logits: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "sigmoid_cross_entropy_with_logits"
    return produce(out) { try sigmoidCrossEntropy(labels: borrow(labels, op), logits: borrow(logits, op)) }
}

@_cdecl("sdl_nn_binary_crossentropy")
public func nnBinaryCrossentropy(
    _ targets: OpaquePointer?, _ probabilities: OpaquePointer?, _ low: Double, _ high: Double,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "binary_crossentropy"
    return produce(out) {
        try binaryCrossentropy(
            targets: borrow(targets, op), probabilities: borrow(probabilities, op), low: low, high: high)
    }
}

@_cdecl("sdl_nn_moments")
public func nnMoments(
    _ x: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ count: Int32, _ keepdims: Int32,
    _ mean: UnsafeMutablePointer<OpaquePointer?>?, _ variance: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guard let mean, let variance else {
        sdl_internal_set_last_error("[moments] received a NULL out-pointer")
        return SDLError.Kind.value.rawValue
    }
    var second: Tensor?
    let status = produce(mean) {
        let result = try moments(borrow(x, "moments"), axes: readInts(axes, count, "moments"), keepdims: keepdims != 0)
        second = result.variance
        return result.mean
    }
    if status != 0 { variance.pointee = nil; return status }
    return produce(variance) {
        guard let second else { throw SDLError(.internal, "[moments] lost the variance") }
        return second
    }
}

@_cdecl("sdl_nn_batch_normalization")
public func nnBatchNormalization(
    _ x: OpaquePointer?, _ mean: OpaquePointer?, _ variance: OpaquePointer?, _ offset: OpaquePointer?,
    _ scale: OpaquePointer?, _ epsilon: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "batch_normalization"
    return produce(out) {
        try batchNormalization(
            borrow(x, op), mean: borrow(mean, op), variance: borrow(variance, op),
            offset: offset == nil ? nil : borrow(offset, op), scale: scale == nil ? nil : borrow(scale, op),
            varianceEpsilon: epsilon)
    }
}

@_cdecl("sdl_nn_fused_batch_norm")
public func nnFusedBatchNorm(
    _ x: OpaquePointer?, _ axis: Int64, _ mean: OpaquePointer?, _ variance: OpaquePointer?,
    _ gamma: OpaquePointer?, _ beta: OpaquePointer?, _ epsilon: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?,
    _ outMean: UnsafeMutablePointer<OpaquePointer?>?, _ outVariance: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    fusedBatchNorm(x, axis, mean, variance, gamma, beta, epsilon, nil, out, outMean, outVariance)
}

@_cdecl("sdl_nn_fused_batch_norm_relu")
public func nnFusedBatchNormRelu(
    _ x: OpaquePointer?, _ axis: Int64, _ mean: OpaquePointer?, _ variance: OpaquePointer?,
    _ gamma: OpaquePointer?, _ beta: OpaquePointer?, _ epsilon: Double, _ maxValue: Double,
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ outMean: UnsafeMutablePointer<OpaquePointer?>?,
    _ outVariance: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    fusedBatchNorm(x, axis, mean, variance, gamma, beta, epsilon, maxValue, out, outMean, outVariance)
}

private func fusedBatchNorm(
    _ x: OpaquePointer?, _ axis: Int64, _ mean: OpaquePointer?, _ variance: OpaquePointer?,
    _ gamma: OpaquePointer?, _ beta: OpaquePointer?, _ epsilon: Double, _ reluMax: Double?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ outMean: UnsafeMutablePointer<OpaquePointer?>?,
    _ outVariance: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "fused_batch_norm"
    guard let outMean, let outVariance else {
        sdl_internal_set_last_error("[\(op)] received a NULL out-pointer")
        return SDLError.Kind.value.rawValue
    }
    var statistics: (Tensor, Tensor)?
    let status = produce(out) {
        func optional(_ handle: OpaquePointer?) throws -> Tensor? { handle == nil ? nil : try borrow(handle, op) }
        let result = try fusedBatchNormalization(
            borrow(x, op), axis: Int(axis), mean: optional(mean), variance: optional(variance), gamma: optional(gamma),
            beta: optional(beta), epsilon: epsilon, reluMax: reluMax)
        statistics = (result.mean, result.variance)
        return result.output
    }
    if status != 0 {
        outMean.pointee = nil
        outVariance.pointee = nil
        return status
    }
    let meanStatus = produce(outMean) {
        guard let statistics else { throw SDLError(.internal, "[\(op)] lost the statistics") }
        return statistics.0
    }
    if meanStatus != 0 { return meanStatus }
    return produce(outVariance) {
        guard let statistics else { throw SDLError(.internal, "[\(op)] lost the statistics") }
        return statistics.1
    }
}

@_cdecl("sdl_nn_fused_batch_norm_gradients")
public func nnFusedBatchNormGradients(
    _ x: OpaquePointer?, _ y: OpaquePointer?, _ dy: OpaquePointer?, _ axis: Int64, _ mean: OpaquePointer?,
    _ variance: OpaquePointer?, _ gamma: OpaquePointer?, _ epsilon: Double, _ withRelu: Int32, _ maxValue: Double,
    _ dx: UnsafeMutablePointer<OpaquePointer?>?, _ dgamma: UnsafeMutablePointer<OpaquePointer?>?,
    _ dbeta: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "fused_batch_norm_gradients"
    let outs = [dx, dgamma, dbeta]
    guard outs.allSatisfy({ $0 != nil }) else {
        sdl_internal_set_last_error("[\(op)] received a NULL out-pointer")
        return SDLError.Kind.value.rawValue
    }
    return perform {
        do {
            let gradients = try fusedBatchNormalizationGradients(
                x: borrow(x, op), output: withRelu != 0 && y != nil ? borrow(y, op) : nil,
                outputGradient: borrow(dy, op),
                axis: Int(axis), mean: borrow(mean, op), variance: borrow(variance, op),
                gamma: gamma == nil ? nil : borrow(gamma, op), epsilon: epsilon, reluMax: withRelu != 0 ? maxValue : nil
            )
            for (out, tensor) in zip(outs, [gradients.x, gradients.gamma, gradients.beta]) {
                out?.pointee = makeHandle(tensor)
            }
        } catch {
            for out in outs { out?.pointee = nil }
            throw error
        }
    }
}

@_cdecl("sdl_nn_group_norm")
public func nnGroupNorm(
    _ x: OpaquePointer?, _ axis: Int64, _ groups: Int64, _ gamma: OpaquePointer?, _ beta: OpaquePointer?,
    _ epsilon: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "group_norm"
    return produce(out) {
        try groupNormalization(
            borrow(x, op), axis: Int(axis), groups: Int(groups), gamma: gamma == nil ? nil : borrow(gamma, op),
            beta: beta == nil ? nil : borrow(beta, op), epsilon: epsilon)
    }
}

@_cdecl("sdl_nn_l2_normalize")
public func nnL2Normalize(
    _ x: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ count: Int32, _ epsilon: Double,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try l2Normalize(
            borrow(x, "l2_normalize"), axes: axes == nil ? nil : readInts(axes, count, "l2_normalize"), epsilon: epsilon
        )
    }
}

@_cdecl("sdl_nn_dropout")
public func nnDropout(
    _ x: OpaquePointer?, _ rate: Double, _ noiseShape: UnsafePointer<Int64>?, _ ndim: Int32, _ hasSeed: Int32,
    _ seed: UInt64, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try dropout(
            borrow(x, "dropout"), rate: rate,
            noiseShape: noiseShape == nil ? nil : readInts(noiseShape, ndim, "dropout"),
            seed: hasSeed != 0 ? seed : nil)
    }
}
