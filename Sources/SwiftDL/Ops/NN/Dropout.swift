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
    let mask = try Tensor.empty(maskShape, dtype: x.dtype)
    try x.dtype.dispatchFloat(DropoutMask(state: state, mask: mask, rate: rate))
    let out = try binary(.multiply, x, mask)
    if isRecordingGradients {
        record(op, inputs: [x], outputs: [out]) { gradients in
            guard let g = gradients[0] else { return [nil] }
            return [try binary(.multiply, g.converted(to: x.dtype), mask)]
        }
    }
    return out
}

/// The mask straight from the stream's words: one 32-bit word per element, kept when it is
/// at least rate·2³² (TensorFlow's dropout also draws one 32-bit uniform per element), with
/// no branch on the random outcome. Two words per element as a 53-bit double, then a pass to
/// compare, took five times as long.
private struct DropoutMask: FloatVisitor {
    let state: RandomState, mask: Tensor, rate: Double
    func visit<T: FloatElement>(_: T.Type) {
        let blocks = (mask.count + 3) / 4
        let (generator, start) = state.reserve(blocks)
        fillDropoutMask(
            mask.pointer(as: T.self), count: mask.count, rate: rate, generator: generator, firstBlock: start)
    }
}

// Specialised for the two float types, so that the keep bit's conversion to T is one instruction.
@_specialize(where T == Float)
@_specialize(where T == Double)
private func fillDropoutMask<T: FloatElement>(
    _ m: UnsafeMutablePointer<T>, count: Int, rate: Double, generator: Philox4x32, firstBlock: UInt64
) {
    let scale = T(1 / (1 - rate)), threshold = UInt64(rate * 0x1p32)
    let blocks = (count + 3) / 4
    let pieces = count >= 1 << 16 ? ThreadPool.shared.threadCount * 4 : 1
    // 1 when word >= threshold: the borrow of word − threshold is the top bit.
    @inline(__always) func kept(_ word: UInt32) -> T { T(1 &- (UInt64(word) &- threshold) >> 63) * scale }
    ThreadPool.shared.parallelFor(pieces) { piece in
        for block in blocks * piece / pieces..<blocks * (piece + 1) / pieces {
            let words = generator.block(firstBlock &+ UInt64(block))
            let base = block * 4
            if base + 4 <= count {
                m[base] = kept(words.0)
                m[base + 1] = kept(words.1)
                m[base + 2] = kept(words.2)
                m[base + 3] = kept(words.3)
            } else {
                let tail = [words.0, words.1, words.2, words.3]
                for i in 0..<(count - base) { m[base + i] = kept(tail[i]) }
            }
        }
    }
}
