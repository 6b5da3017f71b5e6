import SwiftDLAVX2

/// Max and average pooling over NHWC input, forward and backward. Windows are clipped to
/// the image (padding never wins a max and is never counted in an average, as in
/// TensorFlow). Inner loops run over the contiguous channels, so they vectorise.

/// y = the max over each window. When `argmax` is given, it receives for every output
/// element the position of the first maximum (row-major in the window, TensorFlow's
/// rule) as an offset into that element's input image, for the backward pass. A window of
/// NaNs keeps its first element.
public func maxPoolForward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    argmax: UnsafeMutablePointer<Int32>?, _ g: WindowGeometry
) {
    let c = g.channels
    if T.self == Float.self && maxPoolUsesAVX2 && argmax == nil && windowsLieInside(g) {
        let window = PlaneWindow(g)
        parallelPieces(0..<g.outputPixels, minimumPiece: 16) { pixels in
            maxPoolInteriorAVX2(x.asFloat, y.asFloat, window: window, channels: c, pixels: pixels)
        }
        return
    }
    parallelPieces(0..<g.outputPixels, minimumPiece: 16) { pixels in
        var cursor = PixelCursor(pixels.lowerBound, g)
        for p in pixels {
            let (n, oh, ow) = cursor.next()
            let image = x + n * g.inputImageSize
            let out = y + p * c
            let taps = g.validTaps(oh: oh, ow: ow)
            if T.self == Float.self && maxPoolUsesAVX2 && !taps.kh.isEmpty && !taps.kw.isEmpty {
                maxPoolPixelAVX2(
                    UnsafeRawPointer(image).assumingMemoryBound(to: Float.self), rows: taps.h0 + taps.kh.lowerBound,
                    rowCount: taps.kh.count, columns: taps.w0 + taps.kw.lowerBound, columnCount: taps.kw.count,
                    inputWidth: g.inputWidth, channels: c,
                    UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), argmax.map { $0 + p * c })
                continue
            }
            var first = true
            for kh in taps.kh {
                let line = image + (taps.h0 + kh) * g.inputWidth * c
                for kw in taps.kw {
                    let source = line + (taps.w0 + kw) * c
                    if first {
                        out.update(from: source, count: c)
                    } else {
                        for j in 0..<c { out[j] = source[j] > out[j] ? source[j] : out[j] }
                    }
                    first = false
                }
            }
            // The argmax in a second pass over the window, backwards, so the first maximum
            // is written last. A running compare-and-record compiled to a branch that
            // mispredicted on half the elements (15× slower than the max itself).
            if let argmax, !first {
                let indices = argmax + p * c
                // The window's first element: the answer when the max is NaN (no element
                // equals it), and always a valid offset for the backward scatter.
                let start = ((taps.h0 + taps.kh.lowerBound) * g.inputWidth + taps.w0 + taps.kw.lowerBound) * c
                for j in 0..<c { indices[j] = Int32(truncatingIfNeeded: start + j) }
                for kh in taps.kh.reversed() {
                    for kw in taps.kw.reversed() {
                        let position = ((taps.h0 + kh) * g.inputWidth + taps.w0 + kw) * c
                        markMaxima(image + position, UnsafePointer(out), indices, position: position, count: c)
                    }
                }
            }
            // Only a window lying wholly in the padding has no taps; the op refuses those.
            if first { out.update(repeating: T.zero, count: c) }
        }
    }
}

/// indices[j] = position + j wherever source[j] equals the window's max out[j]. float32
/// runs eight lanes at a time with explicit SIMD selects (the compiler keeps the generic
/// loop scalar and branchy); other types, and the tail, go one by one.
@inline(__always)
private func markMaxima<T: FloatElement>(
    _ source: UnsafePointer<T>, _ out: UnsafePointer<T>,
    _ indices: UnsafeMutablePointer<Int32>, position: Int, count c: Int
) {
    var j = 0
    if T.self == Float.self {
        let values = UnsafeRawPointer(source), maxima = UnsafeRawPointer(out),
            targets = UnsafeMutableRawPointer(indices)
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        while j + 8 <= c {
            let offset = j * 4
            let hit =
                values.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                .== maxima.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let current = targets.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int32>.self)
            let mine = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: position + j)) &+ lanes
            targets.storeBytes(
                of: current.replacing(with: mine, where: hit), toByteOffset: offset, as: SIMD8<Int32>.self)
            j += 8
        }
    }
    while j < c {
        if source[j] == out[j] { indices[j] = Int32(truncatingIfNeeded: position + j) }
        j += 1
    }
}

/// dx = the max-pool gradient: each upstream element goes to its window's argmax.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func maxPoolBackward<T: FloatElement>(
    _ dy: UnsafePointer<T>, argmax: UnsafePointer<Int32>,
    _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry
) {
    let c = g.channels, perImage = g.outputPixelsPerImage
    forEachPieceOfZeroedGradient(dx, g) { pixels in
        for p in pixels {
            let image = dx + (p / perImage) * g.inputImageSize
            for j in (p * c)..<((p + 1) * c) { image[Int(argmax[j])] += dy[j] }
        }
    }
}

/// y = the mean over each window's positions inside the image.
public func avgPoolForward<T: FloatElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: WindowGeometry) {
    let c = g.channels
    parallelPieces(0..<g.outputPixels, minimumPiece: 16) { pixels in
        var cursor = PixelCursor(pixels.lowerBound, g)
        for p in pixels {
            let (n, oh, ow) = cursor.next()
            let image = x + n * g.inputImageSize
            let out = y + p * c
            out.update(repeating: T.zero, count: c)
            let taps = g.validTaps(oh: oh, ow: ow)
            for kh in taps.kh {
                let line = image + (taps.h0 + kh) * g.inputWidth * c
                for kw in taps.kw {
                    let source = line + (taps.w0 + kw) * c
                    for j in 0..<c { out[j] += source[j] }
                }
            }
            let count = T(fromInt64: Int64(max(taps.kh.count * taps.kw.count, 1)))
            for j in 0..<c { out[j] /= count }
        }
    }
}

/// dx = the average-pool gradient: each upstream element spread evenly over its window.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func avgPoolBackward<T: FloatElement>(_ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry)
{
    let c = g.channels
    forEachPieceOfZeroedGradient(dx, g) { pixels in
        var cursor = PixelCursor(pixels.lowerBound, g)
        for p in pixels {
            let (n, oh, ow) = cursor.next()
            let image = dx + n * g.inputImageSize
            let upstream = dy + p * c
            let taps = g.validTaps(oh: oh, ow: ow)
            let scale = T.one / T(fromInt64: Int64(max(taps.kh.count * taps.kw.count, 1)))
            for kh in taps.kh {
                let line = image + (taps.h0 + kh) * g.inputWidth * c
                for kw in taps.kw {
                    let target = line + (taps.w0 + kw) * c
                    for j in 0..<c { target[j] += upstream[j] * scale }
                }
            }
        }
    }
}

/// float32 max pooling takes one SIMD pass per output pixel (SwiftDLAVX2/MaxPoolPixel.swift)
/// on CPUs with AVX2; elsewhere the generic two-pass loop above.
package let maxPoolUsesAVX2 = CPUFeatures.current.hasAVX2

/// Whether every window of `g` lies inside its image: no padding before, and the last
/// window of each axis ends inside (as with "valid" padding).
private func windowsLieInside(_ g: WindowGeometry) -> Bool {
    g.padTop == 0 && g.padLeft == 0 && g.outputHeight > 0 && g.outputWidth > 0
        && (g.outputHeight - 1) * g.strideHeight + (g.windowHeight - 1) * g.dilationHeight < g.inputHeight
        && (g.outputWidth - 1) * g.strideWidth + (g.windowWidth - 1) * g.dilationWidth < g.inputWidth
}

/// Max or average pooling for the ops in SwiftDL, pre-specialised here so it runs with this
/// module's flags (a wrapper for the reason given at `gemmEntry`: ConvolutionPoolingKernels
/// calls the pooling kernels too).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func poolForwardEntry<T: FloatElement>(
    _ kind: PoolingKind, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    argmax: UnsafeMutablePointer<Int32>?, _ g: WindowGeometry
) {
    switch kind {
    case .max: maxPoolForward(x, y, argmax: argmax, g)
    case .average: avgPoolForward(x, y, g)
    }
}
