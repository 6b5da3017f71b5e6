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
        let raw = UnsafeMutableRawPointer(mask.pointer(as: T.self)), scale = 1 / (1 - rate)
        if T.self == Float.self {
            fillDropoutMask(
                raw.assumingMemoryBound(to: UInt32.self), count: mask.count, rate: rate,
                keptBits: Float(scale).bitPattern, generator: generator, firstBlock: start)
        } else {
            fillDropoutMask(
                raw.assumingMemoryBound(to: UInt64.self), count: mask.count, rate: rate, keptBits: scale.bitPattern,
                generator: generator, firstBlock: start)
        }
    }
}

/// Writes each mask element as the bits of the float 1/(1 − rate) (`keptBits`) or of 0.
/// NOTE: built from integer bits on purpose. Written as a float select (kept ? scale : 0,
/// or a 0/1 integer converted and scaled) the compiler branched on the random outcome, and
/// half of those branches mispredicted: the mask took a fifth of the text CNN's training step.
@_specialize(where Bits == UInt32)
@_specialize(where Bits == UInt64)
private func fillDropoutMask<Bits: FixedWidthInteger & UnsignedInteger>(
    _ m: UnsafeMutablePointer<Bits>, count: Int, rate: Double, keptBits: Bits, generator: Philox4x32,
    firstBlock: UInt64
) {
    let threshold = UInt64(rate * 0x1p32)
    let blocks = (count + 3) / 4
    let pieces = count >= 1 << 16 ? ThreadPool.shared.threadCount * 4 : 1
    // All ones when word >= threshold (the borrow of word − threshold, the top bit, is 0).
    @inline(__always) func kept(_ word: UInt32) -> Bits {
        keptBits & (Bits(truncatingIfNeeded: (UInt64(word) &- threshold) >> 63) &- 1)
    }
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
