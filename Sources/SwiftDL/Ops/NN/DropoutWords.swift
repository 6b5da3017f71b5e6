/// The random words of one dropout call: counter blocks reserved from a stream, four 32-bit
/// words per block, one word per element. An element is kept when its word is at least
/// rate·2³² (TensorFlow's dropout also draws one 32-bit uniform per element), and then
/// scaled by 1/(1 − rate). Keeping the blocks lets the VJP draw the same words again.
struct DropoutWords {
    let generator: Philox4x32, firstBlock: UInt64, rate: Double

    /// Reserves the blocks for `count` elements from `state`.
    init(state: RandomState, count: Int, rate: Double) {
        (generator, firstBlock) = state.reserve((count + 3) / 4)
        self.rate = rate
    }

    /// x (contiguous, float) times each element's factor, as a new tensor.
    func scaled(_ x: Tensor) throws -> Tensor {
        let out = try Tensor.empty(x.shape, dtype: x.dtype)
        if x.dtype == .float32 {
            writeFactors(UnsafePointer(x.pointer(as: Float.self)), into: out.pointer(as: Float.self), count: x.count)
        } else {
            writeFactors(UnsafePointer(x.pointer(as: Double.self)), into: out.pointer(as: Double.self), count: x.count)
        }
        return out
    }

    /// Writes each element's factor, 1/(1 − rate) or 0, to `target[i]` for i < count, or
    /// `source[i]` times it when a source is given; split over the pool. float32 draws its
    /// words eight blocks at a time where AVX2 allows (SwiftDLAVX2/DropoutPhilox.swift: the
    /// scalar draw below, with its branch per element, cost 9 ns an element).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func writeFactors<T: BinaryFloatingPoint>(
        _ source: UnsafePointer<T>?, into target: UnsafeMutablePointer<T>, count: Int
    ) {
        // rate < 1, so rate·2³² rounds down to at most 2³² − 1.
        let threshold = UInt32(rate * 0x1p32), kept = T(1 / (1 - rate))
        let blocks = (count + 3) / 4, wholeBlocks = count / 4
        let pieces = count >= 1 << 16 ? ThreadPool.shared.threadCount * 4 : 1
        let generator = generator, firstBlock = firstBlock
        ThreadPool.shared.parallelFor(pieces) { piece in
            let end = blocks * (piece + 1) / pieces
            var block = blocks * piece / pieces
            if T.self == Float.self && dropoutUsesAVX2 {
                let vectorEnd = block + max(0, min(end, wholeBlocks) - block) / 8 * 8
                dropoutScaleFloat(
                    source.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                    UnsafeMutableRawPointer(target).assumingMemoryBound(to: Float.self), key: generator.key,
                    firstCounter: firstBlock, blocks: block..<vectorEnd, threshold: threshold, kept: Float(kept))
                block = vectorEnd
            }
            for block in block..<end {
                let words = generator.block(firstBlock &+ UInt64(block)), base = block * 4
                for w in 0..<min(4, count - base) {
                    let word = w == 0 ? words.0 : w == 1 ? words.1 : w == 2 ? words.2 : words.3
                    let factor = word >= threshold ? kept : 0
                    target[base + w] = source.map { $0[base + w] * factor } ?? factor
                }
            }
        }
    }
}
