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
    let draws = try randomUniform(shape: maskShape, low: 0, high: 1, dtype: .float64, state: state)
    let mask = try Tensor.empty(maskShape, dtype: x.dtype)
    try x.dtype.dispatchFloat(DropoutMask(draws: draws, mask: mask, rate: rate))
    let out = try binary(.multiply, x, mask)
    if isRecordingGradients {
        record(op, inputs: [x], outputs: [out]) { gradients in
            guard let g = gradients[0] else { return [nil] }
            return [try binary(.multiply, g.converted(to: x.dtype), mask)]
        }
    }
    return out
}

private struct DropoutMask: FloatVisitor {
    let draws: Tensor, mask: Tensor, rate: Double
    func visit<T: FloatElement>(_: T.Type) {
        let u = draws.pointer(as: Double.self), m = mask.pointer(as: T.self)
        let scale = T(1 / (1 - rate))
        for i in 0..<mask.count { m[i] = u[i] >= rate ? scale : 0 }
    }
}
