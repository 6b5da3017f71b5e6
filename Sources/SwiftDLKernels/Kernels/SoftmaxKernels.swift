import SwiftDLAVX2

/// Softmax, log-softmax and the softmax cross-entropies over contiguous buffers.
/// A softmax runs along the middle axis of an (outer, n, inner) block: n values at stride
/// `inner`. Cross-entropies take (rows, classes) blocks, classes contiguous.

/// NOTE: every row subtracts its maximum before exponentiating, so exp never overflows
/// and the largest term is exactly 1 (the sum is at least 1: log never sees 0).

/// dst[j] = exp(src[j] - shift) for a contiguous row: a loop with no reduction in it, so it
/// vectorises (with `vectorExp`).
@inline(__always)
package func exponentiateShifted<T: FloatElement>(
    _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ n: Int, shift: T
) {
    for j in 0..<n { dst[j] = vectorExp(src[j] - shift) }
}

/// Σ p[0..<n] with four running sums, so the additions pipeline; the order is fixed, so the
/// result is the same on every run.
@inline(__always)
package func blockSum<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int) -> T {
    var a: T = 0, b: T = 0, c: T = 0, d: T = 0
    var j = 0
    while j + 4 <= n {
        a += p[j]; b += p[j + 1]; c += p[j + 2]; d += p[j + 3]
        j += 4
    }
    while j < n { a += p[j]; j += 1 }
    return (a + b) + (c + d)
}

/// Σ a[j]·b[j] over contiguous rows, in four running sums as `blockSum`.
@inline(__always)
package func blockDot<T: FloatElement>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ n: Int) -> T {
    var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
    var j = 0
    while j + 4 <= n {
        s0 += a[j] * b[j]; s1 += a[j + 1] * b[j + 1]; s2 += a[j + 2] * b[j + 2]; s3 += a[j + 3] * b[j + 3]
        j += 4
    }
    while j < n { s0 += a[j] * b[j]; j += 1 }
    return (s0 + s1) + (s2 + s3)
}

/// The largest of a contiguous row, with four running maxima so the comparisons pipeline.
/// NOTE: NaNs are skipped here (unless they lead the row); they still reach the result,
/// because every exp(x - max) of the row is summed.
@inline(__always)
package func rowMaximum<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int) -> T {
    var a = p[0], b = p[0], c = p[0], d = p[0]
    var j = 0
    while j + 4 <= n {
        a = p[j] > a ? p[j] : a
        b = p[j + 1] > b ? p[j + 1] : b
        c = p[j + 2] > c ? p[j + 2] : c
        d = p[j + 3] > d ? p[j + 3] : d
        j += 4
    }
    while j < n {
        a = p[j] > a ? p[j] : a
        j += 1
    }
    let ab = b > a ? b : a, cd = d > c ? d : c
    return cd > ab ? cd : ab
}

/// y = softmax(x) (or log_softmax(x) when `log`) along n.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func softmaxForwardKernel<T: FloatElement>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, outer: Int, n: Int, inner: Int, log: Bool
) {
    if n == 0 { return }
    forEachChunk(outer * inner, grain: max(1, (1 << 14) / n)) { rows in
        if inner == 1 && T.self == Float.self && rowOperationsAvailable {
            softmaxRowsAVX2(
                UnsafeRawPointer(x + rows.lowerBound * n).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(y + rows.lowerBound * n).assumingMemoryBound(to: Float.self),
                rows: rows.count, n: n, log: log)
            return
        }
        if inner == 1 {
            // Contiguous rows: exponentiate in a vectorised pass, then sum.
            for row in rows {
                let px = x + row * n, py = y + row * n
                var largest = rowMaximum(px, n)
                if largest.isInfinite && largest < 0 { largest = 0 }
                exponentiateShifted(px, py, n, shift: largest)
                let total = blockSum(UnsafePointer(py), n)
                if log {
                    let logTotal = T.log(total)
                    for j in 0..<n { py[j] = (px[j] - largest) - logTotal }
                } else {
                    let scale = 1 / total
                    for j in 0..<n { py[j] *= scale }
                }
            }
            return
        }
        for row in rows {
            let base = (row / inner) * n * inner + row % inner
            let px = x + base, py = y + base
            var largest = px[0]
            for j in 1..<n where px[j * inner] > largest || px[j * inner].isNaN { largest = px[j * inner] }
            if largest.isInfinite && largest < 0 { largest = 0 } // an all -inf row: keep NaN-free arithmetic
            var total: T = 0
            for j in 0..<n {
                let e = vectorExp(px[j * inner] - largest)
                py[j * inner] = e
                total += e
            }
            if log {
                // (x - max) - log Σ, not x - (max + log Σ): the sum would round at max's scale.
                let logTotal = T.log(total)
                for j in 0..<n { py[j * inner] = (px[j * inner] - largest) - logTotal }
            } else {
                let scale = 1 / total
                for j in 0..<n { py[j * inner] *= scale }
            }
        }
    }
}

/// A constant factor a backward kernel applies to each element it writes, after forming it:
/// dx · factor or dx / factor (a scale the forward pass applied before this op, fused).
public struct GradientScaling<T: FloatElement> {
    public let factor: T
    public let divides: Bool

    public init(factor: T, divides: Bool) {
        self.factor = factor
        self.divides = divides
    }

    @inline(__always)
    func apply(_ x: T) -> T { divides ? x / factor : x * factor }
}

/// The VJP of softmax (dx = y·(g - Σ g·y)) or of log_softmax (dx = g - eʸ·Σ g), from the
/// forward output y, each element then scaled by `scaling` when given.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func softmaxBackwardKernel<T: FloatElement>(
    _ g: UnsafePointer<T>, _ y: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>,
    outer: Int, n: Int, inner: Int, log: Bool, scaling: GradientScaling<T>? = nil
) {
    if n == 0 { return }
    forEachChunk(outer * inner, grain: max(1, (1 << 14) / n)) { rows in
        if inner == 1 && T.self == Float.self && rowOperationsAvailable {
            softmaxBackwardRowsAVX2(
                UnsafeRawPointer(g + rows.lowerBound * n).assumingMemoryBound(to: Float.self),
                UnsafeRawPointer(y + rows.lowerBound * n).assumingMemoryBound(to: Float.self),
                UnsafeMutableRawPointer(dx + rows.lowerBound * n).assumingMemoryBound(to: Float.self),
                rows: rows.count, n: n, log: log,
                scaling: scaling.map { (unsafeBitCast($0.factor, to: Float.self), $0.divides) })
            return
        }
        if inner == 1 {
            // Contiguous rows (attention's scores): the sum in four running parts, then a
            // loop with no reduction in it, so both vectorise.
            for row in rows {
                let pg = g + row * n, py = y + row * n, pd = dx + row * n
                if log {
                    let total = blockSum(pg, n)
                    for j in 0..<n { pd[j] = pg[j] - vectorExp(py[j]) * total }
                } else {
                    let dot = blockDot(pg, py, n)
                    for j in 0..<n { pd[j] = py[j] * (pg[j] - dot) }
                }
                if let scaling { for j in 0..<n { pd[j] = scaling.apply(pd[j]) } }
            }
            return
        }
        for row in rows {
            let base = (row / inner) * n * inner + row % inner
            let pg = g + base, py = y + base, pd = dx + base
            var dot: T = 0
            if log {
                for j in 0..<n { dot += pg[j * inner] }
                for j in 0..<n { pd[j * inner] = pg[j * inner] - vectorExp(py[j * inner]) * dot }
            } else {
                for j in 0..<n { dot += pg[j * inner] * py[j * inner] }
                for j in 0..<n { pd[j * inner] = py[j * inner] * (pg[j * inner] - dot) }
            }
            if let scaling { for j in 0..<n { pd[j * inner] = scaling.apply(pd[j * inner]) } }
        }
    }
}

/// A row's maximum m and log Σⱼ exp(x[j] - m): the row's logsumexp is m + that, but the
/// two are kept apart so float32 does not round the sum at m's scale (x - m - log Σ is exact
/// where x - (m + log Σ) is not, for logits in the thousands).
/// `scratch` holds at least n values (the row's exponentials are staged there so the exp
/// loop vectorises).
@inline(__always)
package func shiftedLogSumExp<T: FloatElement>(_ row: UnsafePointer<T>, _ n: Int, scratch: UnsafeMutablePointer<T>) -> (
    shift: T, logTotal: T
) {
    let largest = rowMaximum(row, n)
    if largest.isInfinite { return (largest, 0) }
    exponentiateShifted(row, scratch, n, shift: largest)
    return (largest, T.log(blockSum(UnsafePointer(scratch), n)))
}

/// Runs `body` with a scratch buffer of `count` values (on the stack when small).
@inline(__always)
package func withScratch<T: FloatElement>(_ count: Int, _ body: (UnsafeMutablePointer<T>) -> Void) {
    withUnsafeTemporaryAllocation(of: T.self, capacity: Swift.max(count, 1)) { buffer in
        if let base = buffer.baseAddress { body(base) }
    }
}

/// Sparse cross-entropy: loss[r] = logsumexp(x[r]) - x[r, label[r]]. Labels are already
/// validated to lie in 0..<classes. Keeps each row's (shift, logTotal) in `lse` (2 per row)
/// for the backward pass.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func sparseCrossEntropyForwardKernel<T: FloatElement>(
    _ logits: UnsafePointer<T>, _ labels: UnsafePointer<Int64>, _ loss: UnsafeMutablePointer<T>,
    _ lse: UnsafeMutablePointer<T>, rows: Int, classes: Int
) {
    forEachChunk(rows, grain: max(1, (1 << 14) / classes)) { range in
        withScratch(classes) { (scratch: UnsafeMutablePointer<T>) in
            for r in range {
                let row = logits + r * classes
                let (shift, logTotal) = shiftedLogSumExp(row, classes, scratch: scratch)
                lse[2 * r] = shift
                lse[2 * r + 1] = logTotal
                loss[r] = logTotal - (row[Int(labels[r])] - shift)
            }
        }
    }
}

/// dlogits[r, j] = g[r] · (softmax(x[r])ⱼ - [j == label[r]]).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func sparseCrossEntropyBackwardKernel<T: FloatElement>(
    _ g: UnsafePointer<T>, _ logits: UnsafePointer<T>, _ labels: UnsafePointer<Int64>, _ lse: UnsafePointer<T>,
    _ dlogits: UnsafeMutablePointer<T>, rows: Int, classes: Int
) {
    forEachChunk(rows, grain: max(1, (1 << 14) / classes)) { range in
        for r in range {
            let row = logits + r * classes, out = dlogits + r * classes
            let scale = g[r], shift = lse[2 * r], logTotal = lse[2 * r + 1]
            for j in 0..<classes { out[j] = scale * vectorExp((row[j] - shift) - logTotal) }
            out[Int(labels[r])] -= scale
        }
    }
}

/// Dense cross-entropy: loss[r] = Σⱼ labels[r, j] · (logsumexp(x[r]) - x[r, j]); `lse` as
/// for the sparse form.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func denseCrossEntropyForwardKernel<T: FloatElement>(
    _ logits: UnsafePointer<T>, _ labels: UnsafePointer<T>, _ loss: UnsafeMutablePointer<T>,
    _ lse: UnsafeMutablePointer<T>, rows: Int, classes: Int
) {
    forEachChunk(rows, grain: max(1, (1 << 14) / classes)) { range in
        withScratch(classes) { (scratch: UnsafeMutablePointer<T>) in
            for r in range {
                let row = logits + r * classes, target = labels + r * classes
                let (shift, logTotal) = shiftedLogSumExp(row, classes, scratch: scratch)
                lse[2 * r] = shift
                lse[2 * r + 1] = logTotal
                var total: T = 0
                for j in 0..<classes where target[j] != 0 { total += target[j] * (logTotal - (row[j] - shift)) }
                loss[r] = total
            }
        }
    }
}

/// dlogits[r, j] = g[r]·(softmax(x[r])ⱼ·Σ labels[r] - labels[r, j]) (softmax - labels when the
/// labels are a distribution); dlabels[r, j] = g[r]·(logsumexp(x[r]) - x[r, j]) = -g·log_softmax.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func denseCrossEntropyBackwardKernel<T: FloatElement>(
    _ g: UnsafePointer<T>, _ logits: UnsafePointer<T>, _ labels: UnsafePointer<T>, _ lse: UnsafePointer<T>,
    _ dlogits: UnsafeMutablePointer<T>?, _ dlabels: UnsafeMutablePointer<T>?, rows: Int, classes: Int
) {
    forEachChunk(rows, grain: max(1, (1 << 14) / classes)) { range in
        for r in range {
            let row = logits + r * classes, target = labels + r * classes
            let scale = g[r], shift = lse[2 * r], logTotal = lse[2 * r + 1]
            if let dlogits {
                var mass: T = 0
                for j in 0..<classes { mass += target[j] }
                let out = dlogits + r * classes
                for j in 0..<classes { out[j] = scale * (vectorExp((row[j] - shift) - logTotal) * mass - target[j]) }
            }
            if let dlabels {
                let out = dlabels + r * classes
                for j in 0..<classes { out[j] = scale * (logTotal - (row[j] - shift)) }
            }
        }
    }
}

/// Sigmoid cross-entropy, elementwise: max(x, 0) - x·z + log(1 + e^-|x|).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func sigmoidCrossEntropyForwardKernel<T: FloatElement>(
    _ logits: UnsafePointer<T>, _ labels: UnsafePointer<T>, _ loss: UnsafeMutablePointer<T>, count: Int
) {
    forEachChunk(count) { range in
        for i in range {
            let x = logits[i]
            loss[i] = Swift.max(x, 0) - x * labels[i] + T.log1p(vectorExp(-Swift.abs(x)))
        }
    }
}

/// dlogits = g·(sigmoid(x) - z); dlabels = -g·x.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func sigmoidCrossEntropyBackwardKernel<T: FloatElement>(
    _ g: UnsafePointer<T>, _ logits: UnsafePointer<T>, _ labels: UnsafePointer<T>,
    _ dlogits: UnsafeMutablePointer<T>, _ dlabels: UnsafeMutablePointer<T>, count: Int
) {
    forEachChunk(count) { range in
        for i in range {
            dlogits[i] = g[i] * (vectorSigmoid(logits[i]) - labels[i])
            dlabels[i] = -g[i] * logits[i]
        }
    }
}
