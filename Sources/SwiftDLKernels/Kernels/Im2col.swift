/// im2col and its adjoint col2im over NHWC images.
///
/// Row p of the column matrix is the input patch under output pixel p (flattened over
/// batch, output row and output column), laid out (kh, kw, c): the order of an HWIO filter
/// reshaped to (KH·KW·C, O). So a convolution is one GEMM, columns · filters.

/// Writes the patches of output pixels `pixels` into consecutive rows of `columns`
/// (`patchSize` wide), with zeros where the window hangs over the padding.
package func im2col<T: FloatElement>(
    _ input: UnsafePointer<T>, _ g: WindowGeometry, pixels: Range<Int>,
    into columns: UnsafeMutablePointer<T>
) {
    let c = g.channels
    let rowLength = g.windowWidth * c
    var row = columns
    var cursor = PixelCursor(pixels.lowerBound, g)
    for _ in pixels {
        let (n, oh, ow) = cursor.next()
        let image = input + n * g.inputImageSize
        let h0 = oh * g.strideHeight - g.padTop, w0 = ow * g.strideWidth - g.padLeft
        // A window row entirely inside the image with unit dilation is one contiguous run.
        let wholeRows = g.dilationWidth == 1 && w0 >= 0 && w0 + g.windowWidth <= g.inputWidth
        for kh in 0..<g.windowHeight {
            let ih = h0 + kh * g.dilationHeight
            if ih < 0 || ih >= g.inputHeight {
                row.update(repeating: T.zero, count: rowLength)
                row += rowLength
                continue
            }
            let line = image + ih * g.inputWidth * c
            if wholeRows {
                row.update(from: line + w0 * c, count: rowLength)
                row += rowLength
                continue
            }
            for kw in 0..<g.windowWidth {
                let iw = w0 + kw * g.dilationWidth
                if iw < 0 || iw >= g.inputWidth {
                    row.update(repeating: T.zero, count: c)
                } else {
                    row.update(from: line + iw * c, count: c)
                }
                row += c
            }
        }
    }
}

/// Adds each row of `columns` (output pixels `pixels`) back onto the input positions its
/// patch was read from; padding positions are dropped. `input` must hold the running sum
/// (zeroed by the caller before the first call).
package func col2imAdd<T: FloatElement>(
    _ columns: UnsafePointer<T>, _ g: WindowGeometry, pixels: Range<Int>,
    into input: UnsafeMutablePointer<T>
) {
    let c = g.channels
    var row = columns
    var cursor = PixelCursor(pixels.lowerBound, g)
    for _ in pixels {
        let (n, oh, ow) = cursor.next()
        let image = input + n * g.inputImageSize
        let taps = g.validTaps(oh: oh, ow: ow)
        for kh in taps.kh {
            let line = image + (taps.h0 + kh * g.dilationHeight) * g.inputWidth * c
            let source = row + kh * g.windowWidth * c
            if g.dilationWidth == 1 {
                // The taps inside the image cover one contiguous run of the input row.
                let first = taps.kw.lowerBound
                addRun(source + first * c, to: line + (taps.w0 + first) * c, count: taps.kw.count * c)
            } else {
                for kw in taps.kw {
                    addRun(source + kw * c, to: line + (taps.w0 + kw * g.dilationWidth) * c, count: c)
                }
            }
        }
        row += g.patchSize
    }
}

@inline(__always)
private func addRun<T: FloatElement>(_ source: UnsafePointer<T>, to target: UnsafeMutablePointer<T>, count: Int) {
    for i in 0..<count { target[i] += source[i] }
}
