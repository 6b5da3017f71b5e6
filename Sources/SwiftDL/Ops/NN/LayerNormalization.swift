/// Layer normalisation over trailing axes as one op (Keras's LayerNormalization) and its
/// VJP: one pass over the rows forward and one backward, where the composed formula ran two
/// means, a subtraction, a square, an addition, a square root, a division and the broadcast
/// gamma and beta, each a pass over the activations with its own backward.

/// Normalises x over its axes `axis`..<rank, each slice on its own:
/// (x − mean)/√(variance + ε)·gamma + beta, the variance biased, ε inside the root (Keras).
///
/// - Parameters:
///   - x: float32 or float64, rank at least 1.
///   - axis: the first normalised axis (negative counts from the end); the normalised
///     axes are it and every axis after it.
///   - gamma, beta: nil or tensors of x's dtype with the normalised axes' shape.
///   - epsilon: added to the variance, finite and >= 0.
/// - Returns: x's shape, recorded on tapes (gradients for x, gamma and beta).
public func layerNormalization(
    _ x: Tensor, axis: Int, gamma: Tensor?, beta: Tensor?, epsilon: Double
) throws -> Tensor {
    let op = "layer_norm"
    try requireFloat(x, op, "x")
    if x.rank < 1 {
        throw SDLError.value(op, "x must have at least one axis to normalise; received shape ()")
    }
    let first = try normalizeAxis(axis, rank: x.rank, op: op)
    let normalizedShape = Array(x.shape[first...])
    for (name, operand) in [("gamma", gamma), ("beta", beta)] {
        guard let operand else { continue }
        if operand.dtype != x.dtype {
            throw SDLError.type(op, "\(name) must have x's dtype \(x.dtype.name); received \(operand.dtype.name)")
        }
        if operand.shape != normalizedShape {
            throw SDLError.value(
                op,
                "\(name) must have the normalised shape \(describeShape(normalizedShape)) (axes \(first)..."
                    + " of x with shape \(describeShape(x.shape))); received shape \(describeShape(operand.shape))")
        }
    }
    try checkEpsilon(op, epsilon)
    let width = normalizedShape.reduce(1, *), rows = x.shape[..<first].reduce(1, *)
    let dtype = x.dtype
    let input = try x.contiguous()
    let g = try gamma?.contiguous(), b = try beta?.contiguous()
    let inputs = [x] + [gamma, beta].compactMap { $0 }
    let needs = isRecordingGradients ? inputs.map(isFollowedByRecordingTape) : inputs.map { _ in false }
    // Each row's mean and 1/√(variance + ε), in x's dtype, kept for the backward pass.
    let statistics = needs.contains(true) ? try Tensor.empty([2, rows], dtype: dtype) : nil
    let y = try Tensor.empty(x.shape, dtype: dtype)
    if y.count > 0 {
        try dtype.dispatchFloat(
            LayerNormForward(
                x: input, rows: rows, width: width, epsilon: epsilon, gamma: g, beta: b, y: y, statistics: statistics))
    }
    guard let statistics else { return y }
    record(op, inputs: inputs, outputs: [y]) { gradients in
        guard let upstream = gradients[0] else { return inputs.map { _ in nil } }
        let dy = try upstream.converted(to: dtype).contiguous()
        let dx = needs[0] ? try Tensor.empty(x.shape, dtype: dtype) : nil
        let dgamma = gamma != nil && needs[1] ? try Tensor.empty(normalizedShape, dtype: dtype) : nil
        let dbeta = beta != nil && needs[gamma != nil ? 2 : 1] ? try Tensor.empty(normalizedShape, dtype: dtype) : nil
        let blocks = layerNormGradientBlocks(rows: rows, width: width)
        let partials = try Tensor.empty([blocks, 2, width], dtype: .float64)
        if width > 0 {
            try dtype.dispatchFloat(
                LayerNormBackward(
                    x: input, dy: dy, rows: rows, width: width, statistics: statistics, gamma: g, dx: dx,
                    dgamma: dgamma, dbeta: dbeta, partials: partials))
        }
        return [dx] + (gamma != nil ? [dgamma] : []) + (beta != nil ? [dbeta] : [])
    }
    return y
}

private struct LayerNormForward: FloatVisitor {
    let x: Tensor, rows: Int, width: Int, epsilon: Double, gamma: Tensor?, beta: Tensor?, y: Tensor
    let statistics: Tensor?
    func visit<T: FloatElement>(_: T.Type) {
        let saved = statistics?.pointer(as: T.self)
        layerNormForward(
            UnsafePointer(x.pointer(as: T.self)), rows: rows, width: width, epsilon: epsilon,
            gamma: gamma.map { UnsafePointer($0.pointer(as: T.self)) },
            beta: beta.map { UnsafePointer($0.pointer(as: T.self)) }, y.pointer(as: T.self), mean: saved,
            inverseDeviation: saved.map { $0 + rows })
    }
}

private struct LayerNormBackward: FloatVisitor {
    let x: Tensor, dy: Tensor, rows: Int, width: Int, statistics: Tensor, gamma: Tensor?
    let dx: Tensor?, dgamma: Tensor?, dbeta: Tensor?, partials: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        let saved = UnsafePointer(statistics.pointer(as: T.self))
        layerNormBackward(
            UnsafePointer(x.pointer(as: T.self)), UnsafePointer(dy.pointer(as: T.self)), rows: rows, width: width,
            mean: saved, inverseDeviation: saved + rows, gamma: gamma.map { UnsafePointer($0.pointer(as: T.self)) },
            dx: dx?.pointer(as: T.self), dgamma: dgamma?.pointer(as: T.self), dbeta: dbeta?.pointer(as: T.self),
            partials: partials.pointer(as: Double.self))
    }
}
