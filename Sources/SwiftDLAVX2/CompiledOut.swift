// On other architectures (arm64 Linux and macOS), or with -DSWIFTDL_NO_AVX2 (to check
// that build on x86-64: `swift build -Xswiftc -DSWIFTDL_NO_AVX2`), the kernels of this
// module are not compiled. Their entry points remain so that the engine compiles
// unchanged, but `avx2KernelsCompiled` is false, which keeps `CPUFeatures.hasAVX2` false,
// and the engine never calls them: it takes its portable paths (the scalar kernels, and
// im2col instead of Winograd), as on an x86-64 CPU without AVX2.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// Whether this module's AVX2 kernels are compiled in (x86-64 builds).
public let avx2KernelsCompiled = true
#else
/// Whether this module's AVX2 kernels are compiled in (x86-64 builds).
public let avx2KernelsCompiled = false

/// NOTE: unreachable: the engine calls no entry point while `avx2KernelsCompiled` is false.
private func compiledOut(_ function: StaticString = #function) -> Never {
    fatalError("\(function): the AVX2 kernels are not compiled in this build")
}

public func lstmCellForwardAVX2(
    gates row: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
    cell: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
    units u: Int
) { compiledOut() }
public func lstmCellBackwardAVX2(
    gates row: UnsafePointer<Float>, cellTanh: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
    dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, units u: Int
) { compiledOut() }
public func maxPoolInteriorAVX2(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, window w: PlaneWindow, channels c: Int,
    pixels: Range<Int>
) { compiledOut() }
public func maxPoolPixelAVX2(
    _ image: UnsafePointer<Float>, rows: Int, rowCount: Int, columns: Int, columnCount: Int, inputWidth: Int,
    channels c: Int, _ out: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int32>?
) { compiledOut() }
public func singleChannelConvolutionForwardAVX2(
    _ input: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
    _ output: UnsafeMutablePointer<Float>, outputChannels o: Int, window: PlaneWindow, pixels: Range<Int>,
    scratch: UnsafeMutablePointer<Float>
) { compiledOut() }
public func singleChannelConvolutionGradientAVX2(
    _ input: UnsafePointer<Float>, upstream: UnsafePointer<Float>, reluOutput: UnsafePointer<Float>?,
    filterGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?, outputChannels o: Int,
    window: PlaneWindow, pixels: Range<Int>, scratch: UnsafeMutablePointer<Float>
) { compiledOut() }
public func singleOutputConvolutionForwardAVX2(
    _ input: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, bias: Float, relu: Bool,
    _ output: UnsafeMutablePointer<Float>, channels c: Int, window: PlaneWindow, pixels: Range<Int>
) { compiledOut() }
public func singleOutputConvolutionGradientAVX2(
    _ input: UnsafePointer<Float>, _ filters: UnsafePointer<Float>, upstream: UnsafePointer<Float>,
    reluOutput: UnsafePointer<Float>?, inputGradient: UnsafeMutablePointer<Float>?,
    filterGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?, channels c: Int,
    window: PlaneWindow, images: Range<Int>, scratch: UnsafeMutablePointer<Float>
) { compiledOut() }
public func resampleRGBPixelsAVX2(
    _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, outputs: Int,
    layout: UnsafePointer<Int>, taps: UnsafePointer<Float>
) { compiledOut() }
public func resampleSinglesAVX2(
    _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, outputs: Int,
    layout: UnsafePointer<Int>, taps: UnsafePointer<Float>
) { compiledOut() }
public func blendRowsAVX2(
    _ rows: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, inner: Int, weights: UnsafePointer<Float>,
    count: Int
) { compiledOut() }
public func expRowAVX2(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    compiledOut()
}
public func sigmoidRowAVX2(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    compiledOut()
}
public func tanhRowAVX2(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    compiledOut()
}
public func logRowAVX2(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int) {
    compiledOut()
}
public func softmaxRowsAVX2(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, n: Int, log: Bool) {
    compiledOut()
}
public func exponentiateScaledRowsAVX2(
    _ values: UnsafeMutablePointer<Float>, rows: Int, n: Int, scale: Float, sums: UnsafeMutablePointer<Float>
) { compiledOut() }
public func softmaxBackwardRowsAVX2(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Int, n: Int,
    log: Bool, scaling: (factor: Float, divides: Bool)? = nil
) { compiledOut() }
public enum ChannelSumKind: Sendable {
    case gradientAndProjection, moments
}
public func batchNormRowsAVX2(
    _ x: UnsafePointer<Float>, rows: Range<Int>, channels c: Int, mean: UnsafePointer<Float>,
    scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, reluMax: Float?, _ y: UnsafeMutablePointer<Float>
) { compiledOut() }
public func batchNormGradientRowsAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Range<Int>, channels c: Int,
    mean: UnsafePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>, d: UnsafePointer<Float>,
    _ dx: UnsafeMutablePointer<Float>
) { compiledOut() }
public func clippedReluBackwardAVX2(
    _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, top: Float, range: Range<Int>,
    _ dz: UnsafeMutablePointer<Float>
) { compiledOut() }
public func depthwiseForwardAVX2(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
    window g: PlaneWindow, channels c: Int, pixels: Range<Int>, clamp: ReluClamp? = nil
) { compiledOut() }
public func depthwise3x3ForwardAVX2(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
    window g: PlaneWindow, channels c: Int, pixels: Range<Int>, clamp: ReluClamp? = nil
) { compiledOut() }
public func shallowPointwiseConvolutionAVX2(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>,
    rows: Range<Int>, k: Int, n: Int, clamp: ReluClamp?
) { compiledOut() }
public func depthwiseInputGradientAVX2(
    _ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, window g: PlaneWindow,
    channels c: Int, rows: Range<Int>
) { compiledOut() }
public func depthwiseFilterGradientAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ sums: UnsafeMutablePointer<Float>,
    biasSums: UnsafeMutablePointer<Float>?, window g: PlaneWindow, channels c: Int, rows: Range<Int>
) { compiledOut() }
public func channelSumsAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>?, center: UnsafePointer<Float>?, rows: Range<Int>,
    channels c: Int, kind: ChannelSumKind, into partial: UnsafeMutablePointer<Double>
) { compiledOut() }
public func winogradTransformFiltersAVX2(
    _ filters: UnsafePointer<Float>, channels c: Int, outputChannels o: Int, into u: UnsafeMutablePointer<Float>
) { compiledOut() }
public func winogradTransformInputAVX2(
    _ input: UnsafePointer<Float>, mask: UnsafePointer<Float>? = nil, channels c: Int, window: PlaneWindow,
    tiles: Range<Int>, into v: UnsafeMutablePointer<Float>
) { compiledOut() }
public func winogradTransformOutputAVX2(
    _ m: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool, _ y: UnsafeMutablePointer<Float>,
    outputChannels o: Int, window: PlaneWindow, tiles: Range<Int>
) { compiledOut() }
public func winogradTransformUpstreamAVX2(
    _ upstream: UnsafePointer<Float>, mask: UnsafePointer<Float>?, outputChannels o: Int, window: PlaneWindow,
    tiles: Range<Int>, into target: UnsafeMutablePointer<Float>
) { compiledOut() }
public func winogradFilterGradientAVX2(
    _ du: UnsafePointer<Float>, channels c: Int, outputChannels o: Int, into gradient: UnsafeMutablePointer<Float>
) { compiledOut() }
public func dropoutScaleAVX2(
    _ source: UnsafePointer<Float>?, _ target: UnsafeMutablePointer<Float>, key: (UInt32, UInt32),
    firstCounter: UInt64, blocks: Range<Int>, threshold: UInt32, kept: Float,
    keptBits: UnsafeMutablePointer<UInt32>? = nil
) { compiledOut() }
public func dropoutKeptMultiplyAVX2(
    _ g: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, marks: UnsafePointer<UInt32>,
    words: Range<Int>, kept: Float
) { compiledOut() }
public func layerNormRowsAVX2(
    _ x: UnsafePointer<Float>, rows: Range<Int>, width n: Int, epsilon: Float, gamma: UnsafePointer<Float>?,
    beta: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>?,
    inverseDeviation: UnsafeMutablePointer<Float>?
) { compiledOut() }
public func layerNormGradientRowsAVX2(
    _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, rows: Range<Int>, width n: Int,
    mean: UnsafePointer<Float>, inverseDeviation: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
    dx: UnsafeMutablePointer<Float>?, columnSums: UnsafeMutablePointer<Double>?,
    blockSums: UnsafeMutablePointer<Float>
) { compiledOut() }
#endif
