// The rows of one-channel images that a chunk of output pixels reads, copied with their
// zero padding into scratch, so that the single-channel kernels read every window in place
// (SingleChannelConvolution.swift).
//
// Why: with padding ("same"), gathering each pixel's window into a row of its own copied
// taps floats a pixel (9 for 3×3), with bounds tests, in the forward pass and again in the
// filter gradient; it cost as much as the FMAs. The band copies each input row the chunk
// needs once (a 28-wide image: 30 floats a row, about a dozen rows for a chunk of 256
// pixels) and the windows are read from it as from an unpadded image.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// Fills `band` with the padded input rows under output pixels `pixels` (numbered over the
/// batch) and sets each pixel's window corner (`corners[r]` for the chunk's row r) and each
/// tap's offset (`offsets[t]`) in it, so that tap t of row r is `band[corners[r] + offsets[t]]`.
/// Returns false, touching nothing, when the band needs more than `capacity` floats.
func fillPaddedRowBand(
    _ input: UnsafePointer<Float>, _ w: PlaneWindow, pixels: Range<Int>, into band: UnsafeMutablePointer<Float>,
    capacity: Int, corners: UnsafeMutablePointer<Int>, offsets: UnsafeMutablePointer<Int>
) -> Bool {
    guard !pixels.isEmpty, w.outputWidth > 0, w.outputHeight > 0 else { return false }
    let perImage = w.outputHeight * w.outputWidth
    // Every column any window reads, padding included: band column j is image column j − padLeft.
    let width = (w.outputWidth - 1) * w.strideWidth + (w.windowWidth - 1) * w.dilationWidth + 1
    let windowRows = (w.windowHeight - 1) * w.dilationHeight + 1
    let first = pixels.lowerBound, last = pixels.upperBound - 1
    let firstImage = first / perImage, lastImage = last / perImage
    // The output rows of image n that the chunk holds, and the band rows they read.
    func outputRows(_ n: Int) -> ClosedRange<Int> {
        let top = n == firstImage ? first % perImage / w.outputWidth : 0
        let bottom = n == lastImage ? last % perImage / w.outputWidth : w.outputHeight - 1
        return top...bottom
    }
    func bandRows(_ rows: ClosedRange<Int>) -> Int { (rows.upperBound - rows.lowerBound) * w.strideHeight + windowRows }
    var needed = 0
    for n in firstImage...lastImage {
        let (product, overflow) = bandRows(outputRows(n)).multipliedReportingOverflow(by: width)
        if overflow { return false }
        needed += product
        if needed > capacity { return false }
    }
    var bandRow = 0, row = 0
    for n in firstImage...lastImage {
        let rows = outputRows(n), image = input + n * w.imageHeight * w.imageWidth
        let topRow = rows.lowerBound * w.strideHeight - w.padTop
        for b in 0..<bandRows(rows) {
            copyPaddedRow(image, row: topRow + b, w, width: width, into: band + (bandRow + b) * width)
        }
        // The chunk's pixels of image n, in order: corners in the band.
        let start = n == firstImage ? first % perImage : 0
        let end = n == lastImage ? last % perImage + 1 : perImage
        for pixel in start..<end {
            let oh = pixel / w.outputWidth, ow = pixel - oh * w.outputWidth
            corners[row] = (bandRow + (oh - rows.lowerBound) * w.strideHeight) * width + ow * w.strideWidth
            row += 1
        }
        bandRow += bandRows(rows)
    }
    for kh in 0..<w.windowHeight {
        for kw in 0..<w.windowWidth {
            offsets[kh * w.windowWidth + kw] = kh * w.dilationHeight * width + kw * w.dilationWidth
        }
    }
    return true
}

/// target[j] = image row `row`'s column j − padLeft, zero outside the image.
@inline(__always)
private func copyPaddedRow(
    _ image: UnsafePointer<Float>, row: Int, _ w: PlaneWindow, width: Int, into target: UnsafeMutablePointer<Float>
) {
    guard row >= 0 && row < w.imageHeight else {
        target.update(repeating: 0, count: width)
        return
    }
    // Band columns [left, right) hold image columns [left − padLeft, right − padLeft).
    let left = min(max(w.padLeft, 0), width), right = max(left, min(w.imageWidth + w.padLeft, width))
    target.update(repeating: 0, count: left)
    (target + left).update(from: image + row * w.imageWidth + (left - w.padLeft), count: right - left)
    (target + right).update(repeating: 0, count: width - right)
}
#endif
