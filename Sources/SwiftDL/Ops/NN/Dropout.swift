/// tf.nn.dropout: inverted dropout. Each element (or each slice, with a noise shape) is kept
/// with probability 1 - rate and scaled by 1/(1 - rate), so the expected value is unchanged.
/// The mask comes from the engine's random stream; the VJP multiplies by the same mask.
public func dropout(_ x: Tensor, rate: Double, noiseShape: [Int]? = nil, seed: UInt64? = nil) throws -> Tensor {
    let op = "dropout"
    try requireFloat(x, op, "x")
    if !(rate >= 0 && rate < 1) {
        throw SDLError.value(op, "rate must be a float in the range [0, 1); received \(rate)")
    }
    let maskShape = noiseShape ?? x.shape
    if maskShape.contains(where: { $0 < 0 }) || (try? broadcastShapes(x.shape, maskShape, op: op)) != x.shape {
        throw SDLError.value(
            op,
            "noise_shape must broadcast to the shape of x; received noise_shape \(describeShape(maskShape)) for x of shape \(describeShape(x.shape))"
        )
    }
    if rate == 0 { return x }
    // A given seed makes a fresh stream, so the same seed gives the same mask every call.
    let state = seed.map { RandomState(seed: $0) } ?? RandomState.global
    let words = DropoutWords(state: state, count: maskShape.reduce(1, *), rate: rate)
    if maskShape == x.shape { return try elementwiseDropout(x, words) }
    let mask = try Tensor.empty(maskShape, dtype: x.dtype)
    try x.dtype.dispatchFloat(DropoutMask(words: words, mask: mask))
    let out = try binary(.multiply, x, mask)
    if isRecordingGradients {
        record(op, inputs: [x], outputs: [out]) { gradients in
            guard let g = gradients[0] else { return [nil] }
            return [try binary(.multiply, g.converted(to: x.dtype), mask)]
        }
    }
    return out
}

/// Dropout with one word per element of x, multiplied in as the words are drawn: no mask
/// tensor (writing it and reading it back cost as much as the rest). Under a tape it marks
/// which elements it kept, one bit each, and the VJP multiplies by the same factors from
/// those bits (drawing the words again cost five times as much).
private func elementwiseDropout(_ x: Tensor, _ words: DropoutWords) throws -> Tensor {
    guard isRecordingGradients else { return try words.scaled(x.contiguous()) }
    let kept = KeptElements(count: x.count)
    let out = try words.scaled(x.contiguous(), marking: kept)
    record("dropout", inputs: [x], outputs: [out]) { gradients in
        guard let g = gradients[0] else { return [nil] }
        return [try words.scaled(g.converted(to: x.dtype).contiguous(), keeping: kept)]
    }
    return out
}

/// The mask of a dropout with a noise shape: its factors written out, to be broadcast.
private struct DropoutMask: FloatVisitor {
    let words: DropoutWords, mask: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        if T.self == Float.self {
            words.writeFactors(nil, into: mask.pointer(as: Float.self), count: mask.count)
        } else {
            words.writeFactors(nil, into: mask.pointer(as: Double.self), count: mask.count)
        }
    }
}
