/// softmax and log_softmax along one axis: one fused, numerically stable pass forward and
/// one backward (from the saved output), recorded with the VJP.

/// tf.nn.softmax(logits, axis) (or tf.nn.log_softmax when `log`).
public func softmax(_ logits: Tensor, axis: Int = -1, log: Bool = false) throws -> Tensor {
    let op = log ? "log_softmax" : "softmax"
    try requireFloat(logits, op, "logits")
    if logits.rank == 0 {
        throw SDLError.value(op, "logits must have at least one dimension; received shape ()")
    }
    let position = try normalizeAxis(axis, rank: logits.rank, op: op)
    let input = try logits.contiguous()
    let outer = try CheckedSize.product(of: logits.shape[..<position], op: op, "the size before the axis")
    let n = logits.shape[position]
    let inner = try CheckedSize.product(of: logits.shape[(position + 1)...], op: op, "the size after the axis")
    let out = try Tensor.empty(logits.shape, dtype: logits.dtype)
    try logits.dtype.dispatchFloat(
        SoftmaxDispatch(
            input: input, output: out, gradient: nil, result: out,
            outer: outer, n: n, inner: inner, log: log, scale: nil))
    if isRecordingGradients {
        /// The logits' gradient from the output's, with a constant scale applied in the same
        /// pass when the logits were scaled (see Autograd/ScaledGradientFusion.swift).
        func logitsGradient(_ upstream: Tensor, scale: ConstantScale?) throws -> Tensor {
            let g = try upstream.converted(to: out.dtype).contiguous()
            let dx = try Tensor.empty(out.shape, dtype: out.dtype)
            try out.dtype.dispatchFloat(
                SoftmaxDispatch(
                    input: input, output: out, gradient: g, result: dx,
                    outer: outer, n: n, inner: inner, log: log, scale: scale))
            return dx
        }
        let fusion = TapeFusion.scalableBackward { gradients, scale in
            try gradients[0].map { try logitsGradient($0, scale: scale) }
        }
        record(op, inputs: [logits], outputs: [out], fusion: fusion) { gradients in
            [try gradients[0].map { try logitsGradient($0, scale: nil) }]
        }
    }
    return out
}

private struct SoftmaxDispatch: FloatVisitor {
    let input: Tensor, output: Tensor, gradient: Tensor?, result: Tensor
    let outer: Int, n: Int, inner: Int, log: Bool
    /// Applied to the backward pass's result, element by element.
    let scale: ConstantScale?

    func visit<T: FloatElement>(_: T.Type) {
        if let gradient {
            // The factor has the output's dtype (constantScaleFusion checks it).
            let scaling = scale.map {
                GradientScaling(factor: $0.factor.pointer(as: T.self).pointee, divides: $0.divides)
            }
            softmaxBackwardKernel(
                UnsafePointer(gradient.pointer(as: T.self)), UnsafePointer(output.pointer(as: T.self)),
                result.pointer(as: T.self), outer: outer, n: n, inner: inner, log: log, scaling: scaling)
        } else {
            softmaxForwardKernel(
                UnsafePointer(input.pointer(as: T.self)), result.pointer(as: T.self),
                outer: outer, n: n, inner: inner, log: log)
        }
    }
}
