// What the engine needs from this module on every CPU and architecture: the window
// geometry its kernels take and the scratch sizes they need. The kernels themselves are
// compiled on x86-64 only (see CompiledOut.swift).

/// Where a window slides over the images (the engine's WindowGeometry, which this module
/// cannot see, reduced to what this module's convolution kernels read; the channel counts
/// are passed beside it).
public struct PlaneWindow: Sendable {
    public var imageHeight: Int, imageWidth: Int
    public var windowHeight: Int, windowWidth: Int
    public var strideHeight: Int, strideWidth: Int
    public var dilationHeight: Int, dilationWidth: Int
    public var padTop: Int, padLeft: Int
    public var outputHeight: Int, outputWidth: Int

    public init(
        imageHeight: Int, imageWidth: Int, windowHeight: Int, windowWidth: Int, strideHeight: Int, strideWidth: Int,
        dilationHeight: Int, dilationWidth: Int, padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int
    ) {
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.windowHeight = windowHeight
        self.windowWidth = windowWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// Taps per window (KH·KW): the filter's rows.
    public var taps: Int { windowHeight * windowWidth }

    /// Where tap (kh, kw) reads in a one-channel image, relative to the window's top-left corner.
    @inline(__always)
    func tapOffset(_ kh: Int, _ kw: Int) -> Int { kh * dilationHeight * imageWidth + kw * dilationWidth }
}

/// Pixels gathered per chunk: their windows fill `pixelsPerChunk × taps` floats of scratch.
public let singleChannelPixelsPerChunk = 256

/// Scratch floats the forward kernel needs.
public func singleChannelForwardScratch(_ window: PlaneWindow) -> Int { singleChannelPixelsPerChunk * window.taps }

/// Scratch floats the gradient kernel needs: the gathered windows and one block of
/// per-tap accumulators.
public func singleChannelGradientScratch(_ window: PlaneWindow) -> Int {
    singleChannelPixelsPerChunk * window.taps + 8 * (window.taps + 1)
}

/// Points of the transformed 6×6 tile.
public let winogradPoints = 36

/// Tiles of 4×4 outputs over one image.
public func winogradTilesPerImage(_ window: PlaneWindow) -> Int {
    ((window.outputHeight + 3) / 4) * ((window.outputWidth + 3) / 4)
}
