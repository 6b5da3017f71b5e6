import SwiftDLAVX2
import SwiftDLAVX512

/// Depthwise 2-D convolution over NHWC input (tf.nn.depthwise_conv2d), forward and both
/// gradients. Each input channel c has its own `multiplier` filters; output channel
/// c·multiplier + k is channel c convolved with filter k (TensorFlow's order). The filters
/// are (KH, KW, C, multiplier) contiguous, so one tap's filters form a row of C·multiplier
/// values in the output's channel order and the inner loops run over contiguous channels.
/// `g.outputChannels` is C·multiplier. Float32 with one filter per channel (MobileNet's
/// depthwise layers) runs the AVX2 kernels of SwiftDLAVX2/DepthwiseConvolution.swift on CPUs
/// that have it: registers instead of read-modify-writes of the output for each tap, and a
/// gathering input gradient that needs no zeroed buffer.

/// Whether the AVX2 kernels take this call.
@inline(__always)
private func vectorized<T>(_: T.Type, _ g: WindowGeometry) -> Bool {
    T.self == Float.self && g.outputChannels == g.channels && rowOperationsAvailable
}

@inline(__always)
private func floats<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
private func mutableFloats<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// y = depthwise_conv2d(x, w) + bias (bias: C·multiplier values, or nil). The bias is each
/// output pixel's starting value, not a second pass over y. With `relu`, y is then
/// min(max(y, 0), reluMax), NaN kept (an inference batch norm's ReLU or ReLU6 folded in),
/// while the pixels are in cache.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func depthwiseConvForward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, bias: UnsafePointer<T>?, _ y: UnsafeMutablePointer<T>,
    _ g: WindowGeometry, relu: Bool = false, reluMax: Double = .infinity
) {
    let c = g.channels, outC = g.outputChannels, multiplier = outC / max(c, 1)
    let fast = vectorized(T.self, g), window = PlaneWindow(g)
    // 3×3 windows (MobileNet's) keep their filters in registers and sum four pixels at once.
    // It reads each input row once per eight channels: with 32 channels or more, only while
    // the input stays in the core's L2 (one image); a batch streamed from memory went faster
    // per pixel (batch 256, one thread: 48×48×96 stride 2 28-32 -> 43-46 ms, 24×24×144 33-35
    // -> 42 ms; with 16 channels 21-30 -> 11 ms).
    let cached = g.batch * g.inputImageSize * MemoryLayout<T>.size <= 1 << 20
    let registers = depthwise3x3Applies(window, channels: c) && (c < 32 || cached)
    // The AVX-512 kernel reads rows the same way: with 32 channels or more it only paid while
    // the input stayed in L2 (batch 256: 48×48×96 stride 2 34 -> 38 ms, 12×12×192 7 -> 10).
    let wide =
        CPUFeatures.current.hasAVX512Kernels && depthwise3x3AppliesAVX512(window, channels: c) && (c < 32 || cached)
    let kernel = wide ? depthwise3x3ForwardAVX512 : registers ? depthwise3x3ForwardAVX2 : depthwiseForwardAVX2
    parallelPieces(0..<g.outputPixels, minimumPiece: 16) { pixels in
        if fast {
            kernel(
                floats(x), floats(w), bias.map { floats($0) }, mutableFloats(y), window, c, pixels,
                relu ? ReluClamp(top: Float(reluMax)) : nil)
            return
        }
        var cursor = PixelCursor(pixels.lowerBound, g)
        for p in pixels {
            let (n, oh, ow) = cursor.next()
            let image = x + n * g.inputImageSize
            let out = y + p * outC
            if let bias { out.update(from: bias, count: outC) } else { out.update(repeating: T.zero, count: outC) }
            let taps = g.validTaps(oh: oh, ow: ow)
            for kh in taps.kh {
                let line = image + (taps.h0 + kh * g.dilationHeight) * g.inputWidth * c
                let filterRow = w + kh * g.windowWidth * outC
                for kw in taps.kw {
                    let source = UnsafePointer(line + (taps.w0 + kw * g.dilationWidth) * c)
                    multiplyAccumulate(into: out, source, filterRow + kw * outC, channels: c, multiplier: multiplier)
                }
            }
        }
        if relu { clampToRelu(y + pixels.lowerBound * outC, count: pixels.count * outC, top: T(reluMax)) }
    }
}

/// values[i] = min(max(values[i], 0), top), NaN kept.
@inline(never)
private func clampToRelu<T: FloatElement>(_ values: UnsafeMutablePointer<T>, count: Int, top: T) {
    for i in 0..<count {
        let v = values[i]
        values[i] = v < T.zero ? T.zero : v > top ? top : v
    }
}

/// out[c·M + k] += source[c] · filter[c·M + k]: one tap's contribution to an output pixel
/// (with M = 1 the plain element-wise product, which vectorises).
@inline(__always)
private func multiplyAccumulate<T: FloatElement>(
    into out: UnsafeMutablePointer<T>, _ source: UnsafePointer<T>, _ filter: UnsafePointer<T>, channels c: Int,
    multiplier: Int
) {
    if multiplier == 1 {
        for j in 0..<c { out[j] += source[j] * filter[j] }
        return
    }
    for j in 0..<c {
        let value = source[j], base = j * multiplier
        for k in 0..<multiplier { out[base + k] += value * filter[base + k] }
    }
}

/// dx = the input gradient: each output pixel's upstream values, times the filters,
/// scattered back over its window (pieces are whole images, so no two threads write one).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func depthwiseConvBackwardInput<T: FloatElement>(
    _ dy: UnsafePointer<T>, _ w: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry
) {
    let c = g.channels, outC = g.outputChannels, multiplier = outC / max(c, 1)
    if vectorized(T.self, g) {
        let window = PlaneWindow(g)
        parallelPieces(0..<(g.batch * g.inputHeight)) { rows in
            depthwiseInputGradientAVX2(
                floats(dy), floats(w), mutableFloats(dx), window: window, channels: c, rows: rows)
        }
        return
    }
    forEachPieceOfZeroedGradient(dx, g) { pixels in
        var cursor = PixelCursor(pixels.lowerBound, g)
        for p in pixels {
            let (n, oh, ow) = cursor.next()
            let image = dx + n * g.inputImageSize
            let upstream = dy + p * outC
            let taps = g.validTaps(oh: oh, ow: ow)
            for kh in taps.kh {
                let line = image + (taps.h0 + kh * g.dilationHeight) * g.inputWidth * c
                let filterRow = w + kh * g.windowWidth * outC
                for kw in taps.kw {
                    let target = line + (taps.w0 + kw * g.dilationWidth) * c
                    let filter = filterRow + kw * outC
                    if multiplier == 1 {
                        for j in 0..<c { target[j] += upstream[j] * filter[j] }
                    } else {
                        for j in 0..<c {
                            var sum = T.zero
                            for k in (j * multiplier)..<((j + 1) * multiplier) { sum += upstream[k] * filter[k] }
                            target[j] += sum
                        }
                    }
                }
            }
        }
    }
}

/// dw = the filter gradient: for each tap, the sum over every output pixel of upstream
/// times the input under that tap; db = the bias gradient, upstream summed per output
/// channel, in the same pass over dy. Either may be nil. Each share of the output rows sums
/// into its own copy of dw and db; the copies are added in share order, so with a fixed
/// partition count (the exact mode) the result does not depend on the threads.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func depthwiseConvBackwardFilter<T: FloatElement>(
    _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, dw: UnsafeMutablePointer<T>?, db: UnsafeMutablePointer<T>?,
    _ g: WindowGeometry
) {
    let c = g.channels, outC = g.outputChannels, multiplier = outC / max(c, 1)
    let filterCount = dw == nil ? 0 : g.windowHeight * g.windowWidth * outC
    let biasCount = db == nil ? 0 : outC, partialCount = filterCount + biasCount
    let rows = g.batch * g.outputHeight
    let shares = max(1, min(ThreadPool.shared.partitionCount, rows))
    guard partialCount > 0 else { return }
    withUnsafeTemporaryAllocation(of: T.self, capacity: shares * partialCount) { buffer in
        let partials = buffer.baseAddress!
        partials.initialize(repeating: T.zero, count: shares * partialCount)
        let fast = dw != nil && vectorized(T.self, g), window = PlaneWindow(g)
        ThreadPool.shared.parallelFor(shares) { share in
            let sums = partials + share * partialCount, biasSums = db == nil ? nil : sums + filterCount
            let shareRows = (rows * share / shares)..<(rows * (share + 1) / shares)
            if fast {
                depthwiseFilterGradientAVX2(
                    floats(x), floats(dy), mutableFloats(sums), biasSums: biasSums.map { mutableFloats($0) },
                    window: window, channels: c, rows: shareRows)
                return
            }
            for row in shareRows {
                let image = x + (row / g.outputHeight) * g.inputImageSize, oh = row % g.outputHeight
                for ow in 0..<g.outputWidth {
                    let upstream = dy + (row * g.outputWidth + ow) * outC
                    if let biasSums { for j in 0..<outC { biasSums[j] += upstream[j] } }
                    guard dw != nil else { continue }
                    let taps = g.validTaps(oh: oh, ow: ow)
                    for kh in taps.kh {
                        let line = image + (taps.h0 + kh * g.dilationHeight) * g.inputWidth * c
                        let sumRow = sums + kh * g.windowWidth * outC
                        for kw in taps.kw {
                            let source = UnsafePointer(line + (taps.w0 + kw * g.dilationWidth) * c)
                            multiplyAccumulate(
                                into: sumRow + kw * outC, source, upstream, channels: c, multiplier: multiplier)
                        }
                    }
                }
            }
        }
        if let dw { sumPartials(partials, shares: shares, stride: partialCount, count: filterCount, into: dw) }
        if let db {
            sumPartials(partials + filterCount, shares: shares, stride: partialCount, count: outC, into: db)
        }
        _ = buffer.deinitialize()
    }
}

/// target = the sum of `shares` partials of `count` values, `stride` apart, in share order.
@inline(__always)
private func sumPartials<T: FloatElement>(
    _ partials: UnsafeMutablePointer<T>, shares: Int, stride: Int, count: Int, into target: UnsafeMutablePointer<T>
) {
    target.update(from: partials, count: count)
    for share in 1..<shares {
        let partial = partials + share * stride
        for i in 0..<count { target[i] += partial[i] }
    }
}
