// Float32 max pooling without argmax over windows that lie wholly inside the image (no
// padding), a run of output pixels per call (see VectorMath.swift for why this module
// exists). `maxPoolPixelAVX2` takes one pixel per call, with its window clipped to the
// image and its argmax: at one image, a CNN's pooling spent more time in that per-pixel
// bookkeeping than in the maxima. max_pool2d through Python, 2×2 windows, one thread, min
// thread CPU: 26×26×32 8.9 -> 4.7 µs, 52×52×32 25.5 -> 9.5 µs (~3 µs of it the call).

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// y[p] = the max over window(p) of each channel, for output pixels `pixels` (numbered over
/// the batch) of (N, imageHeight, imageWidth, c) images. Every window must lie inside its
/// image (the caller checks: no padding, and the last window ends inside). A later element
/// replaces the running max only when strictly greater, as in `maxPoolPixelAVX2`: a NaN
/// never replaces a number, and a NaN first element stays.
public func maxPoolInteriorAVX2(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, window w: PlaneWindow, channels c: Int,
    pixels: Range<Int>
) {
    let perImage = w.outputHeight * w.outputWidth
    if pixels.isEmpty || perImage == 0 { return }
    let imageSize = w.imageHeight * w.imageWidth * c
    let rowStep = w.dilationHeight * w.imageWidth * c, columnStep = w.dilationWidth * c
    var n = pixels.lowerBound / perImage
    var oh = (pixels.lowerBound % perImage) / w.outputWidth, ow = pixels.lowerBound % w.outputWidth
    for p in pixels {
        let corner = x + n * imageSize + (oh * w.strideHeight * w.imageWidth + ow * w.strideWidth) * c
        let out = y + p * c
        var j = 0
        if w.windowHeight == 2 && w.windowWidth == 2 {
            // The common 2×2 window, unrolled: four loads and three selects a block.
            let (a, b, d) = (columnStep, rowStep, rowStep + columnStep)
            while j + 8 <= c {
                let first = corner + j
                var best = load8(first)
                let right = load8(first + a), below = load8(first + b), diagonal = load8(first + d)
                best.replace(with: right, where: right .> best)
                best.replace(with: below, where: below .> best)
                best.replace(with: diagonal, where: diagonal .> best)
                store8(best, out + j)
                j += 8
            }
        }
        while j + 8 <= c {
            // The first tap is compared with itself too, which changes nothing (a NaN is
            // not greater than itself) and spares a branch in the loop.
            var best = load8(corner + j)
            var line = corner + j
            for _ in 0..<w.windowHeight {
                var tap = line
                for _ in 0..<w.windowWidth {
                    let candidate = load8(tap)
                    best.replace(with: candidate, where: candidate .> best)
                    tap += columnStep
                }
                line += rowStep
            }
            store8(best, out + j)
            j += 8
        }
        while j < c {
            var best = corner[j]
            for kh in 0..<w.windowHeight {
                for kw in 0..<w.windowWidth {
                    let candidate = corner[kh * rowStep + kw * columnStep + j]
                    if candidate > best { best = candidate }
                }
            }
            out[j] = best
            j += 1
        }
        ow += 1
        if ow == w.outputWidth {
            ow = 0
            oh += 1
            if oh == w.outputHeight { (oh, n) = (0, n + 1) }
        }
    }
}
#endif
