/// Max and average pooling over NHWC input, forward and backward. Windows are clipped to
/// the image (padding never wins a max and is never counted in an average, as in
/// TensorFlow). Inner loops run over the contiguous channels, so they vectorise.

/// y = the max over each window. When `argmax` is given, it receives for every output
/// element the position of the first maximum (row-major in the window, TensorFlow's
/// rule) as an offset into that element's input image, for the backward pass.
public func maxPoolForward<T: FloatElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                            argmax: UnsafeMutablePointer<Int32>?, _ g: WindowGeometry) {
    let c = g.channels, perImage = g.outputPixelsPerImage
    parallelPieces(0..<g.outputPixels, minimumPiece: 16) { pixels in
        for p in pixels {
            let n = p / perImage, oh = (p % perImage) / g.outputWidth, ow = p % g.outputWidth
            let image = x + n * g.inputImageSize
            let out = y + p * c
            let taps = g.validTaps(oh: oh, ow: ow)
            var first = true
            for kh in taps.kh {
                let ih = taps.h0 + kh
                for kw in taps.kw {
                    let position = (ih * g.inputWidth + taps.w0 + kw) * c
                    let source = image + position
                    if let argmax {
                        let indices = argmax + p * c
                        if first {
                            out.update(from: source, count: c)
                            for j in 0..<c { indices[j] = Int32(truncatingIfNeeded: position + j) }
                        } else {
                            for j in 0..<c where source[j] > out[j] {
                                out[j] = source[j]
                                indices[j] = Int32(truncatingIfNeeded: position + j)
                            }
                        }
                    } else if first {
                        out.update(from: source, count: c)
                    } else {
                        for j in 0..<c { out[j] = source[j] > out[j] ? source[j] : out[j] }
                    }
                    first = false
                }
            }
            // Only a window lying wholly in the padding has no taps; the op refuses those.
            if first { out.update(repeating: T.zero, count: c) }
        }
    }
}

/// dx = the max-pool gradient: each upstream element goes to its window's argmax.
public func maxPoolBackward<T: FloatElement>(_ dy: UnsafePointer<T>, argmax: UnsafePointer<Int32>,
                                             _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry) {
    let c = g.channels, perImage = g.outputPixelsPerImage
    dx.update(repeating: T.zero, count: g.batch * g.inputImageSize)
    parallelPieces(0..<g.outputPixels, unit: perImage) { pixels in
        for p in pixels {
            let image = dx + (p / perImage) * g.inputImageSize
            for j in (p * c)..<((p + 1) * c) { image[Int(argmax[j])] += dy[j] }
        }
    }
}

/// y = the mean over each window's positions inside the image.
public func avgPoolForward<T: FloatElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: WindowGeometry) {
    let c = g.channels, perImage = g.outputPixelsPerImage
    parallelPieces(0..<g.outputPixels, minimumPiece: 16) { pixels in
        for p in pixels {
            let n = p / perImage, oh = (p % perImage) / g.outputWidth, ow = p % g.outputWidth
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
public func avgPoolBackward<T: FloatElement>(_ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry) {
    let c = g.channels, perImage = g.outputPixelsPerImage
    dx.update(repeating: T.zero, count: g.batch * g.inputImageSize)
    parallelPieces(0..<g.outputPixels, unit: perImage) { pixels in
        for p in pixels {
            let n = p / perImage, oh = (p % perImage) / g.outputWidth, ow = p % g.outputWidth
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
