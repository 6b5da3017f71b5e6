import SwiftDLAVX2

/// Where a sliding window (a convolution filter or a pooling window) falls on an NHWC batch:
/// sizes, strides, dilations and the padding before each spatial axis. Ops work it out and
/// validate it (Ops/NN/WindowPadding.swift); kernels only read it.
public struct WindowGeometry: Sendable, Equatable {
    public var batch: Int
    public var inputHeight: Int
    public var inputWidth: Int
    /// Input channels (for pooling, also the output channels).
    public var channels: Int
    public var windowHeight: Int
    public var windowWidth: Int
    /// The filters' output channels; equal to `channels` for pooling.
    public var outputChannels: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var padTop: Int
    public var padLeft: Int
    public var outputHeight: Int
    public var outputWidth: Int

    public init(
        batch: Int, inputHeight: Int, inputWidth: Int, channels: Int, windowHeight: Int, windowWidth: Int,
        outputChannels: Int, strideHeight: Int, strideWidth: Int, dilationHeight: Int, dilationWidth: Int,
        padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int
    ) {
        self.batch = batch
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.windowHeight = windowHeight
        self.windowWidth = windowWidth
        self.outputChannels = outputChannels
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// Elements in one input image (H·W·C).
    public var inputImageSize: Int { inputHeight * inputWidth * channels }
    public var outputPixelsPerImage: Int { outputHeight * outputWidth }
    /// Output pixels over the whole batch: the rows of the im2col matrix.
    public var outputPixels: Int { batch * outputPixelsPerImage }
    /// Elements under one window position (KH·KW·C): the columns of the im2col matrix.
    public var patchSize: Int { windowHeight * windowWidth * channels }

    /// A 1×1 window with unit strides and no padding reads each input pixel once, in order:
    /// the input itself is the im2col matrix.
    public var isPointwise: Bool {
        windowHeight == 1 && windowWidth == 1 && strideHeight == 1 && strideWidth == 1 && padTop == 0 && padLeft == 0
            && outputHeight == inputHeight && outputWidth == inputWidth
    }

    /// The input rows (ih) and columns (iw) window taps `0..<windowHeight` hit for output
    /// pixel (oh, ow), clipped to the image: first valid tap and one past the last.
    @inline(__always)
    package func validTaps(oh: Int, ow: Int) -> (h0: Int, kh: Range<Int>, w0: Int, kw: Range<Int>) {
        let h0 = oh * strideHeight - padTop, w0 = ow * strideWidth - padLeft
        return (
            h0, tapRange(start: h0, dilation: dilationHeight, taps: windowHeight, size: inputHeight),
            w0, tapRange(start: w0, dilation: dilationWidth, taps: windowWidth, size: inputWidth)
        )
    }
}

/// The taps k with 0 <= start + k·dilation < size.
@inline(__always)
private func tapRange(start: Int, dilation: Int, taps: Int, size: Int) -> Range<Int> {
    // NOTE: integer division costs more than a whole 3×3 one-channel window; skip it for
    // the common unit dilation.
    if dilation == 1 {
        let lower = min(max(-start, 0), taps), upper = min(max(size - start, 0), taps)
        return lower < upper ? lower..<upper : lower..<lower
    }
    // First k with start + k·d >= 0, and first k with start + k·d >= size.
    let first = start >= 0 ? 0 : (-start + dilation - 1) / dilation
    let end = start >= size ? 0 : (size - start + dilation - 1) / dilation
    let lower = min(first, taps), upper = min(end, taps)
    return lower < upper ? lower..<upper : lower..<lower
}

/// Walks output pixels in order, yielding (image, output row, output column) without a
/// division per pixel.
package struct PixelCursor {
    private var n: Int, oh: Int, ow: Int
    private let height: Int, width: Int

    @inline(__always)
    package init(_ pixel: Int, _ g: WindowGeometry) {
        let perImage = max(g.outputPixelsPerImage, 1), width = max(g.outputWidth, 1)
        n = pixel / perImage
        oh = (pixel % perImage) / width
        ow = pixel % width
        height = g.outputHeight
        self.width = width
    }

    /// The current pixel's coordinates; then moves to the next pixel.
    @inline(__always)
    package mutating func next() -> (Int, Int, Int) {
        let current = (n, oh, ow)
        ow += 1
        if ow == width {
            ow = 0
            oh += 1
            if oh == height {
                oh = 0
                n += 1
            }
        }
        return current
    }
}

/// Splits `range` into contiguous pieces and runs them on the shared pool. With `unit`,
/// inner boundaries fall on multiples of `unit` (whole images), so pieces that scatter into
/// per-image buffers never write the same image.
package func parallelPieces(_ range: Range<Int>, unit: Int = 1, minimumPiece: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = ThreadPool.shared.partitionCount
    let units = unit <= 1 ? range.count : (range.upperBound - 1) / unit - range.lowerBound / unit + 1
    let pieces = min(threads * 4, units, max(1, range.count / max(minimumPiece, 1)))
    if threads <= 1 || pieces <= 1 || range.count < 2 {
        if !range.isEmpty { body(range) }
        return
    }
    let step = max(1, unit <= 1 ? (range.count + pieces - 1) / pieces : ((units + pieces - 1) / pieces) * unit)
    // Boundaries: multiples of `step` in absolute terms when aligning to units.
    let firstBoundary = unit <= 1 ? range.lowerBound + step : (range.lowerBound / unit) * unit + step
    var bounds = [range.lowerBound]
    var boundary = firstBoundary
    while boundary < range.upperBound {
        bounds.append(boundary)
        boundary += step
    }
    bounds.append(range.upperBound)
    ThreadPool.shared.parallelFor(bounds.count - 1) { task in body(bounds[task]..<bounds[task + 1]) }
}

/// Runs `body` on pieces of the output pixels, in parallel, each piece whole images whose
/// part of dx it zeroes first (so no two threads write the same image, and each zeroes
/// only what it is about to scatter into).
package func forEachPieceOfZeroedGradient<T: FloatElement>(
    _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry,
    _ body: (Range<Int>) -> Void
) {
    let perImage = g.outputPixelsPerImage
    if perImage == 0 {
        dx.update(repeating: T.zero, count: g.batch * g.inputImageSize)
        return
    }
    parallelPieces(0..<g.outputPixels, unit: perImage) { pixels in
        (dx + pixels.lowerBound / perImage * g.inputImageSize).update(
            repeating: T.zero, count: pixels.count / perImage * g.inputImageSize)
        body(pixels)
    }
}

extension PlaneWindow {
    /// `g` as the one-channel kernels take it, each pixel's channels laid along its row: an
    /// (H, W·C) image, windows KW·C wide stepping stride·C along the row, padding C times
    /// as wide. A convolution over C channels is then a one-channel convolution whose
    /// (KH, KW·C) taps are the filters' (KH, KW, C) in their own order. For C > 1 the
    /// windows must not be dilated along the row (C consecutive elements are one pixel).
    package init(channelsAlongRows g: WindowGeometry) {
        let c = g.channels
        self.init(
            imageHeight: g.inputHeight, imageWidth: g.inputWidth * c, windowHeight: g.windowHeight,
            windowWidth: g.windowWidth * c, strideHeight: g.strideHeight, strideWidth: g.strideWidth * c,
            dilationHeight: g.dilationHeight, dilationWidth: g.dilationWidth, padTop: g.padTop, padLeft: g.padLeft * c,
            outputHeight: g.outputHeight, outputWidth: g.outputWidth)
    }

    /// `g` as the AVX2 kernels take it.
    package init(_ g: WindowGeometry) {
        self.init(
            imageHeight: g.inputHeight, imageWidth: g.inputWidth, windowHeight: g.windowHeight,
            windowWidth: g.windowWidth, strideHeight: g.strideHeight, strideWidth: g.strideWidth,
            dilationHeight: g.dilationHeight, dilationWidth: g.dilationWidth, padTop: g.padTop,
            padLeft: g.padLeft, outputHeight: g.outputHeight, outputWidth: g.outputWidth)
    }
}
