/// A reduction of K values to one, as a type so the kernel specialises on it.
public protocol Reducer {
    associatedtype In: Element
    associatedtype Accumulator
    associatedtype Out: Element
    static var initial: Accumulator { get }
    static func combine(_ accumulator: Accumulator, _ value: In) -> Accumulator
    /// Two partial results of the same reduction, as one (for reductions split into chains).
    static func merge(_ first: Accumulator, _ second: Accumulator) -> Accumulator
    static func finish(_ accumulator: Accumulator, count: Int) -> Out
}

/// One contiguous row reduced in eight independent chains, merged at the end: with a single
/// accumulator every step waits for the previous add (4 cycles), so a long row ran at a
/// quarter of the adder's rate. The chains are fixed, so the result does not depend on the
/// thread count (exact mode's rule); it differs from one chain's only by rounding.
@inline(__always)
package func reduceRow<R: Reducer>(_: R.Type, _ row: UnsafePointer<R.In>, count k: Int) -> R.Accumulator {
    var a0 = R.initial, a1 = R.initial, a2 = R.initial, a3 = R.initial
    var a4 = R.initial, a5 = R.initial, a6 = R.initial, a7 = R.initial
    var j = 0
    while j + 8 <= k {
        a0 = R.combine(a0, row[j]); a1 = R.combine(a1, row[j + 1])
        a2 = R.combine(a2, row[j + 2]); a3 = R.combine(a3, row[j + 3])
        a4 = R.combine(a4, row[j + 4]); a5 = R.combine(a5, row[j + 5])
        a6 = R.combine(a6, row[j + 6]); a7 = R.combine(a7, row[j + 7])
        j += 8
    }
    var total = R.merge(R.merge(R.merge(a0, a1), R.merge(a2, a3)), R.merge(R.merge(a4, a5), R.merge(a6, a7)))
    while j < k {
        total = R.combine(total, row[j])
        j += 1
    }
    return total
}

/// Reduces a contiguous (outer, k, inner) block along its middle axis into (outer, inner).
/// Every reduction, over any set of axes, is brought to this shape by the op layer.
@_specialize(exported:true,where R == FloatSum<Float>)
@_specialize(exported:true,where R == FloatSum<Double>)
@_specialize(exported:true,where R == FloatMean<Float>)
@_specialize(exported:true,where R == FloatMean<Double>)
@_specialize(exported:true,where R == FloatProduct<Float>)
@_specialize(exported:true,where R == FloatProduct<Double>)
@_specialize(exported:true,where R == IntegerSum<Float>)
@_specialize(exported:true,where R == IntegerSum<Double>)
@_specialize(exported:true,where R == IntegerSum<Int32>)
@_specialize(exported:true,where R == IntegerSum<Int64>)
@_specialize(exported:true,where R == IntegerSum<UInt8>)
@_specialize(exported:true,where R == IntegerSum<Bool>)
@_specialize(exported:true,where R == IntegerProduct<Float>)
@_specialize(exported:true,where R == IntegerProduct<Double>)
@_specialize(exported:true,where R == IntegerProduct<Int32>)
@_specialize(exported:true,where R == IntegerProduct<Int64>)
@_specialize(exported:true,where R == IntegerProduct<UInt8>)
@_specialize(exported:true,where R == IntegerProduct<Bool>)
@_specialize(exported:true,where R == Largest<Float>)
@_specialize(exported:true,where R == Largest<Double>)
@_specialize(exported:true,where R == Largest<Int32>)
@_specialize(exported:true,where R == Largest<Int64>)
@_specialize(exported:true,where R == Largest<UInt8>)
@_specialize(exported:true,where R == Smallest<Float>)
@_specialize(exported:true,where R == Smallest<Double>)
@_specialize(exported:true,where R == Smallest<Int32>)
@_specialize(exported:true,where R == Smallest<Int64>)
@_specialize(exported:true,where R == Smallest<UInt8>)
@_specialize(exported:true,where R == AnyTrue)
@_specialize(exported:true,where R == AllTrue)
public func reduceKernel<R: Reducer>(
    _: R.Type, _ input: UnsafePointer<R.In>, _ output: UnsafeMutablePointer<R.Out>,
    outer: Int, k: Int, inner: Int
) {
    let work = outer * k * inner
    let threads = ThreadPool.shared.partitionCount
    if inner == 1 {
        let pieces = threads > 1 && work >= 1 << 16 ? min(threads * 4, outer) : 1
        ThreadPool.shared.parallelFor(max(pieces, 1)) { piece in
            for o in outer * piece / pieces..<outer * (piece + 1) / pieces {
                output[o] = R.finish(reduceRow(R.self, input + o * k, count: k), count: k)
            }
        }
        return
    }
    // Reduce whole rows of `inner` contiguous values at a time: a vectorisable inner loop.
    let innerPieces = threads > 1 && work >= 1 << 16 && outer < threads ? min(threads * 4, max(inner / 1024, 1)) : 1
    ThreadPool.shared.parallelFor(outer * innerPieces) { task in
        let o = task / innerPieces, piece = task % innerPieces
        let columns = inner * piece / innerPieces..<inner * (piece + 1) / innerPieces
        withUnsafeTemporaryAllocation(of: R.Accumulator.self, capacity: columns.count) { accumulators in
            for c in 0..<columns.count { accumulators.initializeElement(at: c, to: R.initial) }
            for j in 0..<k {
                let row = input + (o * k + j) * inner + columns.lowerBound
                for c in 0..<columns.count { accumulators[c] = R.combine(accumulators[c], row[c]) }
            }
            let destination = output + o * inner + columns.lowerBound
            for c in 0..<columns.count { destination[c] = R.finish(accumulators[c], count: k) }
            _ = accumulators.deinitialize()
        }
    }
}

/// The position of the largest (or smallest) of k values over a contiguous (outer, k, inner)
/// block. Ties and NaN follow numpy: the first maximum wins, and the first NaN beats all.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
@_specialize(exported:true,where T == Int32)
@_specialize(exported:true,where T == Int64)
@_specialize(exported:true,where T == UInt8)
public func argExtremeKernel<T: ArithmeticElement>(
    _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<Int64>,
    outer: Int, k: Int, inner: Int, largest: Bool
) {
    for o in 0..<outer {
        for i in 0..<inner {
            let base = input + o * k * inner + i
            var best = base[0], bestIndex = 0
            for j in 1..<max(k, 1) {
                let value = base[j * inner]
                if best != best { break } // a NaN already won
                if value != value || (largest ? value > best : value < best) {
                    best = value
                    bestIndex = j
                }
            }
            output[o * inner + i] = Int64(bestIndex)
        }
    }
}

// MARK: - The reducers

/// Float sums accumulate in Double: numpy's pairwise summation is about that accurate.
public enum FloatSum<T: FloatElement>: Reducer {
    public static var initial: Double { 0 }
    @inline(__always) public static func combine(_ a: Double, _ x: T) -> Double { a + Double(x) }
    @inline(__always) public static func merge(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) public static func finish(_ a: Double, count: Int) -> T { T(a) }
}
public enum FloatMean<T: FloatElement>: Reducer {
    public static var initial: Double { 0 }
    @inline(__always) public static func combine(_ a: Double, _ x: T) -> Double { a + Double(x) }
    @inline(__always) public static func merge(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) public static func finish(_ a: Double, count: Int) -> T { T(a / Double(count)) }
}
public enum FloatProduct<T: FloatElement>: Reducer {
    public static var initial: Double { 1 }
    @inline(__always) public static func combine(_ a: Double, _ x: T) -> Double { a * Double(x) }
    @inline(__always) public static func merge(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) public static func finish(_ a: Double, count: Int) -> T { T(a) }
}
/// Integer and bool sums widen to int64 and wrap, as numpy's do.
public enum IntegerSum<T: Element>: Reducer {
    public static var initial: Int64 { 0 }
    @inline(__always) public static func combine(_ a: Int64, _ x: T) -> Int64 { a &+ x.int64Value }
    @inline(__always) public static func merge(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inline(__always) public static func finish(_ a: Int64, count: Int) -> Int64 { a }
}
public enum IntegerProduct<T: Element>: Reducer {
    public static var initial: Int64 { 1 }
    @inline(__always) public static func combine(_ a: Int64, _ x: T) -> Int64 { a &* x.int64Value }
    @inline(__always) public static func merge(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
    @inline(__always) public static func finish(_ a: Int64, count: Int) -> Int64 { a }
}
public enum Largest<T: ArithmeticElement>: Reducer {
    public static var initial: T { T.lowest }
    @inline(__always) public static func combine(_ a: T, _ x: T) -> T { T.larger(a, x) }
    @inline(__always) public static func merge(_ a: T, _ b: T) -> T { T.larger(a, b) }
    @inline(__always) public static func finish(_ a: T, count: Int) -> T { a }
}
public enum Smallest<T: ArithmeticElement>: Reducer {
    public static var initial: T { T.highest }
    @inline(__always) public static func combine(_ a: T, _ x: T) -> T { T.smaller(a, x) }
    @inline(__always) public static func merge(_ a: T, _ b: T) -> T { T.smaller(a, b) }
    @inline(__always) public static func finish(_ a: T, count: Int) -> T { a }
}
public enum AnyTrue: Reducer {
    public static var initial: Bool { false }
    @inline(__always) public static func combine(_ a: Bool, _ x: Bool) -> Bool { a || x }
    @inline(__always) public static func merge(_ a: Bool, _ b: Bool) -> Bool { a || b }
    @inline(__always) public static func finish(_ a: Bool, count: Int) -> Bool { a }
}
public enum AllTrue: Reducer {
    public static var initial: Bool { true }
    @inline(__always) public static func combine(_ a: Bool, _ x: Bool) -> Bool { a && x }
    @inline(__always) public static func merge(_ a: Bool, _ b: Bool) -> Bool { a && b }
    @inline(__always) public static func finish(_ a: Bool, count: Int) -> Bool { a }
}
