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

    /// x (contiguous, float) times each element's factor, as a new tensor; with `kept`, also
    /// marks there which elements were kept.
    func scaled(_ x: Tensor, marking kept: KeptElements? = nil) throws -> Tensor {
        let out = try Tensor.empty(x.shape, dtype: x.dtype)
        if x.dtype == .float32 {
            writeFactors(
                UnsafePointer(x.pointer(as: Float.self)), into: out.pointer(as: Float.self), count: x.count,
                marking: kept)
        } else {
            writeFactors(
                UnsafePointer(x.pointer(as: Double.self)), into: out.pointer(as: Double.self), count: x.count,
                marking: kept)
        }
        return out
    }

    /// g (contiguous, float) times the factor of each element `kept` marks (0 for the
    /// others): the same products as drawing the words again, from one bit per element.
    func scaled(_ g: Tensor, keeping kept: KeptElements) throws -> Tensor {
        let out = try Tensor.empty(g.shape, dtype: g.dtype)
        if g.dtype == .float32 {
            kept.multiply(
                UnsafePointer(g.pointer(as: Float.self)), by: Float(keptFactor), into: out.pointer(as: Float.self))
        } else {
            kept.multiply(
                UnsafePointer(g.pointer(as: Double.self)), by: keptFactor, into: out.pointer(as: Double.self))
        }
        return out
    }

    /// The factor of a kept element, 1/(1 − rate).
    private var keptFactor: Double { 1 / (1 - rate) }

    /// Writes each element's factor, 1/(1 − rate) or 0, to `target[i]` for i < count, or
    /// `source[i]` times it when a source is given; split over the pool. float32 draws its
    /// words eight blocks at a time where AVX2 allows (SwiftDLAVX2/DropoutPhilox.swift: the
    /// scalar draw below, with its branch per element, cost 9 ns an element).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func writeFactors<T: BinaryFloatingPoint>(
        _ source: UnsafePointer<T>?, into target: UnsafeMutablePointer<T>, count: Int,
        marking keptElements: KeptElements? = nil
    ) {
        // rate < 1, so rate·2³² rounds down to at most 2³² − 1.
        let threshold = UInt32(rate * 0x1p32), kept = T(keptFactor)
        let blocks = (count + 3) / 4, wholeBlocks = count / 4
        // Pieces start on whole groups of eight blocks (32 elements): each word of the marks
        // then belongs to one piece, and the vector kernel's groups start on one.
        let groups = (blocks + 7) / 8
        let pieces = count >= 1 << 16 ? ThreadPool.shared.threadCount * 4 : 1
        let generator = generator, firstBlock = firstBlock, marks = keptElements?.bits
        ThreadPool.shared.parallelFor(pieces) { piece in
            let end = min(blocks, groups * (piece + 1) / pieces * 8)
            var block = groups * piece / pieces * 8
            if T.self == Float.self && dropoutUsesAVX2 {
                let vectorEnd = block + max(0, min(end, wholeBlocks) - block) / 8 * 8
                dropoutScaleFloat(
                    source.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                    UnsafeMutableRawPointer(target).assumingMemoryBound(to: Float.self), key: generator.key,
                    firstCounter: firstBlock, blocks: block..<vectorEnd, threshold: threshold, kept: Float(kept),
                    keptBits: marks)
                block = vectorEnd
            }
            for block in block..<end {
                let words = generator.block(firstBlock &+ UInt64(block)), base = block * 4
                for w in 0..<min(4, count - base) {
                    let word = w == 0 ? words.0 : w == 1 ? words.1 : w == 2 ? words.2 : words.3
                    let factor = word >= threshold ? kept : 0
                    target[base + w] = source.map { $0[base + w] * factor } ?? factor
                    if let marks, word >= threshold { marks[(base + w) >> 5] |= 1 << UInt32((base + w) & 31) }
                }
            }
        }
    }
}

/// One bit per element of a dropout, set where the element was kept: what a recorded
/// dropout holds for its VJP (1/32 of a float32 mask) instead of drawing its words again,
/// which cost five passes over memory's worth of time (3.3M elements: 4.9 ms against
/// 0.9 ms for a multiplication, one thread).
final class KeptElements {
    let bits: UnsafeMutablePointer<UInt32>
    let count: Int

    /// Marks for `count` elements, none kept yet.
    init(count: Int) {
        self.count = count
        bits = .allocate(capacity: max((count + 31) / 32, 1))
        bits.initialize(repeating: 0, count: max((count + 31) / 32, 1))
    }

    deinit { bits.deallocate() }

    /// target[i] = g[i] · (factor where element i was kept, else 0), split over the pool;
    /// float32 by eight-lane masks where AVX2 allows (SwiftDLAVX2/DropoutPhilox.swift).
    func multiply<T: BinaryFloatingPoint>(_ g: UnsafePointer<T>, by factor: T, into target: UnsafeMutablePointer<T>) {
        let words = (count + 31) / 32, bits = bits, count = count
        let pieces = count >= 1 << 16 ? ThreadPool.shared.threadCount * 4 : 1
        ThreadPool.shared.parallelFor(pieces) { piece in
            var word = words * piece / pieces
            let end = words * (piece + 1) / pieces
            if T.self == Float.self && dropoutUsesAVX2 {
                let wholeEnd = min(end, count / 32)
                dropoutKeptMultiplyFloat(
                    UnsafeRawPointer(g).assumingMemoryBound(to: Float.self),
                    UnsafeMutableRawPointer(target).assumingMemoryBound(to: Float.self), marks: UnsafePointer(bits),
                    words: word..<max(word, wholeEnd), kept: Float(factor))
                word = max(word, wholeEnd)
            }
            for word in word..<end {
                let base = word * 32, marks = bits[word]
                for i in base..<min(base + 32, count) {
                    target[i] = g[i] * ((marks >> UInt32(i - base)) & 1 != 0 ? factor : 0)
                }
            }
        }
    }
}
