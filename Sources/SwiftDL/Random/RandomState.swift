#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process-wide random stream: a Philox key plus the next unused counter block.
/// Each draw reserves a range of blocks under a lock, then fills the tensor in parallel.
public final class RandomState: @unchecked Sendable {
    public static let global = RandomState(seed: 0x5EED_5EED)

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var generator: Philox4x32
    private var nextBlock: UInt64 = 0

    /// A stream keyed by `seed` whose first draw starts at counter block `firstBlock`.
    /// Philox is counter-based: a key and a block index give the same words anywhere, so
    /// Keras's stateless draws (a seed and a counter) map to a key and a range of blocks.
    public init(seed: UInt64, firstBlock: UInt64 = 0) {
        pthread_mutex_init(lock, nil)
        generator = Philox4x32(seed: seed)
        nextBlock = firstBlock
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// Restarts the stream: the same seed gives the same numbers afterwards.
    public func seed(_ seed: UInt64) {
        pthread_mutex_lock(lock)
        generator = Philox4x32(seed: seed)
        nextBlock = 0
        pthread_mutex_unlock(lock)
    }

    /// The stream's position: its Philox key (as one 64-bit seed) and the next unused
    /// counter block. Setting it back replays the same numbers (keras.remat's recomputation).
    public var position: (seed: UInt64, nextBlock: UInt64) {
        get {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            return (UInt64(generator.key.0) | UInt64(generator.key.1) << 32, nextBlock)
        }
        set {
            pthread_mutex_lock(lock)
            generator = Philox4x32(seed: newValue.seed)
            nextBlock = newValue.nextBlock
            pthread_mutex_unlock(lock)
        }
    }

    /// Reserves `blocks` counter blocks and returns the generator and the first block.
    func reserve(_ blocks: Int) -> (Philox4x32, UInt64) {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let start = nextBlock
        nextBlock &+= UInt64(blocks)
        return (generator, start)
    }

    /// Fills `count` 32-bit random words, four per block, through `body(index, word)`.
    func words(_ count: Int, _ body: (Int, UInt32) -> Void) {
        let blocks = (count + 3) / 4
        let (generator, start) = reserve(blocks)
        let pieces = count >= 1 << 16 ? ThreadPool.shared.threadCount * 4 : 1
        ThreadPool.shared.parallelFor(pieces) { piece in
            for block in blocks * piece / pieces..<blocks * (piece + 1) / pieces {
                let (w0, w1, w2, w3) = generator.block(start &+ UInt64(block))
                let base = block * 4
                body(base, w0)
                if base + 1 < count { body(base + 1, w1) }
                if base + 2 < count { body(base + 2, w2) }
                if base + 3 < count { body(base + 3, w3) }
            }
        }
    }

    /// `words(2 * count)` read as `count` pairs (words 2i and 2i + 1 go to `body(i, ...)`),
    /// without storing the words: two pairs per block.
    func wordPairs(_ count: Int, _ body: (Int, UInt32, UInt32) -> Void) {
        forEachBlock((count + 1) / 2) { block, w0, w1, w2, w3 in
            body(2 * block, w0, w1)
            if 2 * block + 1 < count { body(2 * block + 1, w2, w3) }
        }
    }

    /// Reserves `count` blocks and hands each one's four words to `body(block, ...)`, the
    /// blocks in parallel.
    func forEachBlock(_ count: Int, _ body: (Int, UInt32, UInt32, UInt32, UInt32) -> Void) {
        let (generator, start) = reserve(count)
        let pieces = count >= 1 << 14 ? ThreadPool.shared.threadCount * 4 : 1
        ThreadPool.shared.parallelFor(pieces) { piece in
            for block in count * piece / pieces..<count * (piece + 1) / pieces {
                let (w0, w1, w2, w3) = generator.block(start &+ UInt64(block))
                body(block, w0, w1, w2, w3)
            }
        }
    }
}

/// A double uniform in [0, 1) from two 32-bit words (53 random bits).
@inline(__always)
private func unitDouble(_ first: UInt32, _ second: UInt32) -> Double {
    let bits = (UInt64(first) << 21) ^ (UInt64(second) >> 11)
    return Double(bits & ((1 << 53) - 1)) * 0x1p-53
}

private func uniformDoubles(_ count: Int, state: RandomState) throws -> Tensor {
    let result = try Tensor.empty([count], dtype: .float64)
    let out = result.pointer(as: Double.self)
    forEachUniformDouble(count, state: state) { i, value in out[i] = value }
    return result
}

/// `body(i, u_i)` for `count` doubles uniform in [0, 1), each from two 32-bit words (53
/// random bits), written where they are made: materialising the words and the doubles
/// first had made a float32 initializer's temporaries 7x its output (79 MB of resident
/// memory, kept by the buffer cache, to initialise a 10 MB Embedding).
private func forEachUniformDouble(_ count: Int, state: RandomState, _ body: (Int, Double) -> Void) {
    state.wordPairs(count) { i, first, second in body(i, unitDouble(first, second)) }
}

/// Uniform values in [low, high).
public func randomUniform(shape: [Int], low: Double, high: Double, dtype: DType, state: RandomState = .global) throws
    -> Tensor
{
    if !dtype.isFloatingPoint { throw SDLError.type("uniform", "dtype must be a float type; received \(dtype.name)") }
    let count = try checkedElementCount(shape, op: "uniform")
    _ = try CheckedSize.byteCount(shape, itemSize: dtype.itemSize, op: "uniform") // numpy must be able to view it
    let result: Tensor
    switch dtype {
    case .float32:
        result = try Tensor.empty([count], dtype: .float32)
        let out = result.pointer(as: Float.self)
        forEachUniformDouble(count, state: state) { i, u in out[i] = Float(low + (high - low) * u) }
    case .float64:
        result = try Tensor.empty([count], dtype: .float64)
        let out = result.pointer(as: Double.self)
        forEachUniformDouble(count, state: state) { i, u in out[i] = low + (high - low) * u }
    default:
        let unit = try uniformDoubles(count, state: state)
        let pointer = unit.pointer(as: Double.self)
        for i in 0..<count { pointer[i] = low + (high - low) * pointer[i] }
        result = try unit.converted(to: dtype)
    }
    // Rounding to float32 can land exactly on `high`; step back inside the half-open range.
    if dtype == .float32 && high > low {
        let values = result.pointer(as: Float.self)
        let top = Float(high)
        for i in 0..<count where values[i] >= top { values[i] = top.nextDown }
    }
    return result.view(shape: shape, strides: contiguousStrides(shape), offset: 0)
}

/// Normal values with mean `mean` and standard deviation `std` (Box-Muller).
public func randomNormal(shape: [Int], mean: Double, std: Double, dtype: DType, state: RandomState = .global) throws
    -> Tensor
{
    if !dtype.isFloatingPoint { throw SDLError.type("normal", "dtype must be a float type; received \(dtype.name)") }
    if std < 0 { throw SDLError.value("normal", "scale must be non-negative; received \(std)") }
    let count = try checkedElementCount(shape, op: "normal")
    _ = try CheckedSize.byteCount(shape, itemSize: dtype.itemSize, op: "normal") // numpy must be able to view it
    let pairs = try CheckedSize.sum(count, 1, op: "normal", "shape \(describeShape(shape))", kind: .memory) / 2
    // Pair p's two uniforms come from block p's four words, as uniformDoubles(2 · pairs) would
    // give them, written where they are made (no temporaries of 2.4x the output).
    func forEachPair(_ body: (Int, Double, Double) -> Void) {
        state.forEachBlock(pairs) { pair, w0, w1, w2, w3 in
            let radius = (-2 * log(1 - unitDouble(w0, w1))).squareRoot() // 1 - u is in (0, 1]: log is finite
            let angle = 2 * Double.pi * unitDouble(w2, w3)
            body(pair, mean + std * radius * cos(angle), mean + std * radius * sin(angle))
        }
    }
    let result: Tensor
    switch dtype {
    case .float32:
        result = try Tensor.empty([count], dtype: .float32)
        let out = result.pointer(as: Float.self)
        forEachPair { pair, first, second in
            out[2 * pair] = Float(first)
            if 2 * pair + 1 < count { out[2 * pair + 1] = Float(second) }
        }
    default:
        let values = try Tensor.empty([count], dtype: .float64)
        let out = values.pointer(as: Double.self)
        forEachPair { pair, first, second in
            out[2 * pair] = first
            if 2 * pair + 1 < count { out[2 * pair + 1] = second }
        }
        result = try values.converted(to: dtype)
    }
    return result.view(shape: shape, strides: contiguousStrides(shape), offset: 0)
}

/// Integers uniformly drawn from [low, high) (unbiased, by rejection).
public func randomInteger(shape: [Int], low: Int64, high: Int64, dtype: DType, state: RandomState = .global) throws
    -> Tensor
{
    if high <= low { throw SDLError.value("randint", "low >= high; received low=\(low), high=\(high)") }
    if dtype.isFloatingPoint || dtype == .bool {
        throw SDLError.type("randint", "dtype must be an integer type; received \(dtype.name)")
    }
    let bounds: (low: Int64, high: Int64) =
        dtype == .uint8 ? (0, 255) : dtype == .int32 ? (Int64(Int32.min), Int64(Int32.max)) : (.min, .max)
    if low < bounds.low { throw SDLError.value("randint", "low is out of bounds for \(dtype.name); received \(low)") }
    if high - 1 > bounds.high {
        throw SDLError.value("randint", "high is out of bounds for \(dtype.name); received \(high)")
    }
    let count = try checkedElementCount(shape, op: "randint")
    _ = try CheckedSize.byteCount(shape, itemSize: dtype.itemSize, op: "randint") // numpy must be able to view it
    let range = UInt64(bitPattern: high &- low)
    let result = try Tensor.empty([count], dtype: .int64)
    let out = result.pointer(as: Int64.self)
    // Values at or above `limit` would favour small remainders; draw again for those.
    let limit = range == 0 ? 0 : UInt64.max - (UInt64.max % range + 1) % range
    var filled = 0
    while filled < count {
        let batch = try uniformBits(count - filled, state: state)
        let bits = batch.pointer(as: Int64.self)
        for i in 0..<batch.count where filled < count {
            let value = UInt64(bitPattern: bits[i])
            if range != 0 && value > limit { continue }
            out[filled] = low &+ Int64(bitPattern: range == 0 ? value : value % range)
            filled += 1
        }
    }
    let typed = try result.converted(to: dtype)
    return typed.view(shape: shape, strides: contiguousStrides(shape), offset: 0)
}

/// A random ordering of 0..<n (Fisher-Yates).
public func randomPermutation(_ n: Int, state: RandomState = .global) throws -> Tensor {
    if n < 0 { throw SDLError.value("permutation", "n must be non-negative; received \(n)") }
    let result = try arange(start: 0, stop: Double(n), step: 1, dtype: .int64)
    let values = result.pointer(as: Int64.self)
    let draws = try uniformBits(n, state: state)
    let bits = draws.pointer(as: Int64.self)
    var i = n - 1
    while i > 0 {
        let j = Int(UInt64(bitPattern: bits[i]) % UInt64(i + 1))
        values.swapAt(i, j)
        i -= 1
    }
    return result
}

/// `count` random 64-bit words, stored as int64.
private func uniformBits(_ count: Int, state: RandomState) throws -> Tensor {
    let wordCount = try CheckedSize.product(count, 2, op: "random", "\(count) values", kind: .memory)
    let words = try Tensor.empty([wordCount], dtype: .int64)
    let raw = words.pointer(as: Int64.self)
    state.words(wordCount) { index, word in raw[index] = Int64(word) }
    let result = try Tensor.empty([count], dtype: .int64)
    let out = result.pointer(as: Int64.self)
    for i in 0..<count { out[i] = Int64(bitPattern: (UInt64(raw[2 * i]) << 32) | UInt64(raw[2 * i + 1])) }
    return result
}

extension UnsafeMutablePointer {
    @inline(__always) fileprivate func swapAt(_ i: Int, _ j: Int) {
        let held = self[i]
        self[i] = self[j]
        self[j] = held
    }
}
