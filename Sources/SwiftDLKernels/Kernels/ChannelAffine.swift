/// y = clip((x − shift) ∘ scale + offset, low, high) over a contiguous (outer, middle, channels)
/// x in one pass, ∘ a product or (`divide`) a quotient, with per-channel parameters that
/// change along `outer` every row: the parameters are (paramRows, channels) and row o of x
/// uses parameter row o % paramRows. This is Rescaling (x·scale + offset), Normalization
/// ((x − mean) / √variance) and RandomContrast ((x − mean)·factor + mean, per image and
/// channel, clipped) each as one pass instead of two to five elementwise ones.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func channelAffine<T: FloatElement>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, outer: Int, middle: Int, channels: Int,
    shift: UnsafePointer<T>, scale: UnsafePointer<T>, offset: UnsafePointer<T>, paramRows: Int, divide: Bool,
    low: T, high: T
) {
    let rowSize = middle * channels
    let total = outer * rowSize
    let pieces = ThreadPool.shared.threadCount > 1 && total >= 1 << 17 ? ThreadPool.shared.threadCount * 4 : 1
    // Pieces split each row's middle so a single image (outer 1) still spreads over the pool.
    let chunks = (outer * middle + pieces - 1) / pieces
    ThreadPool.shared.parallelFor(pieces) { piece in
        var position = piece * chunks
        let end = min(position + chunks, outer * middle)
        while position < end {
            let o = position / middle, m = position % middle
            let run = min(end - position, middle - m)
            let p = (o % paramRows) * channels
            let source = x + (o * middle + m) * channels, target = y + (o * middle + m) * channels
            if channels == 1 {
                applyRun(source, target, count: run, shift[p], scale[p], offset[p], divide, low, high)
            } else {
                for pixel in 0..<run {
                    for c in 0..<channels {
                        let value = source[pixel * channels + c] - shift[p + c]
                        let scaled = divide ? value / scale[p + c] : value * scale[p + c]
                        target[pixel * channels + c] = clamp(scaled + offset[p + c], low, high)
                    }
                }
            }
            position += run
        }
    }
}

/// One run sharing one set of parameters: a loop the compiler vectorises.
@inline(__always)
private func applyRun<T: FloatElement>(
    _ source: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>, count: Int, _ shift: T, _ scale: T, _ offset: T,
    _ divide: Bool, _ low: T, _ high: T
) {
    if divide {
        for i in 0..<count { target[i] = clamp((source[i] - shift) / scale + offset, low, high) }
    } else {
        for i in 0..<count { target[i] = clamp((source[i] - shift) * scale + offset, low, high) }
    }
}

/// min(max(v, low), high), NaN passing through (as numpy's clip leaves NaN).
@inline(__always)
private func clamp<T: FloatElement>(_ v: T, _ low: T, _ high: T) -> T {
    let raised = v < low ? low : v
    return raised > high ? high : raised
}
