/// Where the pixels of a batch of images lie in memory, in elements: channels_last is
/// (pixel stride C, channel stride 1), channels_first (1, H·W).
public struct ImageLayout: Sendable {
    public let images: Int, height: Int, width: Int, channels: Int
    public let channelsFirst: Bool

    public init(images: Int, height: Int, width: Int, channels: Int, channelsFirst: Bool) {
        (self.images, self.height, self.width, self.channels) = (images, height, width, channels)
        self.channelsFirst = channelsFirst
    }

    @inline(__always) var imageStride: Int { height * width * channels }
    @inline(__always) var pixelStride: Int { channelsFirst ? 1 : channels }
    @inline(__always) var channelStride: Int { channelsFirst ? height * width : 1 }
}

/// How keras.ops.image.affine_transform samples: the interpolation, the fill mode and value,
/// and each image's 8 transform numbers [a0, a1, a2, b0, b1, b2, c0, c1] (one row shared by
/// all images when `sharedTransform`).
public struct AffineSampling<T: FloatElement> {
    public let transforms: UnsafePointer<T>
    public let sharedTransform: Bool, bilinear: Bool
    public let fillMode: ImageFillMode
    public let fillValue: T

    public init(
        transforms: UnsafePointer<T>, sharedTransform: Bool, bilinear: Bool, fillMode: ImageFillMode, fillValue: T
    ) {
        (self.transforms, self.sharedTransform, self.bilinear) = (transforms, sharedTransform, bilinear)
        (self.fillMode, self.fillValue) = (fillMode, fillValue)
    }
}

/// The input pixels one output pixel reads: up to four taps (pixel offsets in the image),
/// their weights, and which of them lie inside (only `constant` has taps outside).
struct AffineTaps<T: FloatElement> {
    var offsets: (Int, Int, Int, Int) = (0, 0, 0, 0)
    var weights: (T, T, T, T) = (1, 0, 0, 0)
    var inside: (Bool, Bool, Bool, Bool) = (true, true, true, true)
    var count = 1
    var allInside = true
}

/// The taps of output pixel (x, y): it reads the input at column (a0·x + a1·y + a2) / k and
/// row (b0·x + b1·y + b2) / k, k = c0·x + c1·y + 1. Nearest rounds half away from zero;
/// bilinear blends the four neighbours; each integer tap is folded by the fill mode.
///
/// NOTE: the arithmetic follows the composed engine ops this replaces (same operations in
/// the same order, in T), and the fold is per tap, as scipy.ndimage.map_coordinates (Keras's
/// JAX backend, whose fixtures the tests use) does.
@inline(__always)
func affineTaps<T: FloatElement>(x: Int, y: Int, t: UnsafePointer<T>, _ s: AffineSampling<T>, _ layout: ImageLayout)
    -> AffineTaps<T>
{
    let height = layout.height, width = layout.width, pixelStride = layout.pixelStride
    let fx = T(fromInt64: Int64(x)), fy = T(fromInt64: Int64(y))
    let k = t[6] * fx + t[7] * fy + 1
    var col = t[0] * fx + t[1] * fy + t[2], row = t[3] * fx + t[4] * fy + t[5]
    // Affine maps (c0 = c1 = 0) have k = 1 exactly: dividing by it would change nothing.
    if k != 1 { (col, row) = (col / k, row / k) }
    var taps = AffineTaps<T>()
    let constant = s.fillMode == .constant
    if !s.bilinear {
        let r = saturatedIndex(roundHalfAwayFromZero(row)), c = saturatedIndex(roundHalfAwayFromZero(col))
        taps.offsets.0 = (s.fillMode.fold(r, height) * width + s.fillMode.fold(c, width)) * pixelStride
        if constant && (r < 0 || r >= height || c < 0 || c >= width) {
            (taps.inside.0, taps.allInside) = (false, false)
        }
        return taps
    }
    let rowFloor = floorWithoutLibm(row), colFloor = floorWithoutLibm(col)
    let fr = row - rowFloor, fc = col - colFloor
    let r0 = saturatedIndex(rowFloor), c0 = saturatedIndex(colFloor)
    taps.count = 4
    taps.weights = ((1 - fr) * (1 - fc), (1 - fr) * fc, fr * (1 - fc), fr * fc)
    let rowA = s.fillMode.fold(r0, height) * width, rowB = s.fillMode.fold(r0 + 1, height) * width
    let colA = s.fillMode.fold(c0, width), colB = s.fillMode.fold(c0 + 1, width)
    taps.offsets = (
        (rowA + colA) * pixelStride, (rowA + colB) * pixelStride, (rowB + colA) * pixelStride,
        (rowB + colB) * pixelStride
    )
    if constant {
        let rowAInside = r0 >= 0 && r0 < height, rowBInside = r0 + 1 >= 0 && r0 + 1 < height
        let colAInside = c0 >= 0 && c0 < width, colBInside = c0 + 1 >= 0 && c0 + 1 < width
        taps.inside = (
            rowAInside && colAInside, rowAInside && colBInside, rowBInside && colAInside,
            rowBInside && colBInside
        )
        taps.allInside = taps.inside.0 && taps.inside.1 && taps.inside.2 && taps.inside.3
    }
    return taps
}

/// keras.ops.image.affine_transform in one pass over the output (see `affineTaps`); rows of
/// the output are spread over the thread pool. Output and input have the same layout.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func affineSampleImages<T: FloatElement>(
    _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, layout: ImageLayout, sampling s: AffineSampling<T>
) {
    let rows = layout.images * layout.height
    let work = rows * layout.width * layout.channels * (s.bilinear ? 4 : 1)
    let pieces = ThreadPool.shared.threadCount > 1 && work >= 1 << 15 ? min(rows, ThreadPool.shared.threadCount * 8) : 1
    let width = layout.width, channels = layout.channels
    let pixelStride = layout.pixelStride, channelStride = layout.channelStride
    ThreadPool.shared.parallelFor(pieces) { piece in
        for outputRow in rows * piece / pieces..<rows * (piece + 1) / pieces {
            let n = outputRow / layout.height, y = outputRow % layout.height
            let t = s.transforms + (s.sharedTransform ? 0 : 8 * n)
            let image = input + n * layout.imageStride
            let target = output + n * layout.imageStride + y * width * pixelStride
            for x in 0..<width {
                let taps = affineTaps(x: x, y: y, t: t, s, layout)
                let out = target + x * pixelStride
                if taps.count == 1 {
                    let source = image + taps.offsets.0
                    for c in 0..<channels {
                        out[c * channelStride] = taps.inside.0 ? source[c * channelStride] : s.fillValue
                    }
                } else if taps.allInside {
                    let p00 = image + taps.offsets.0, p01 = image + taps.offsets.1
                    let p10 = image + taps.offsets.2, p11 = image + taps.offsets.3
                    let w = taps.weights
                    for c in 0..<channels {
                        let o = c * channelStride
                        out[o] = p00[o] * w.0 + p01[o] * w.1 + p10[o] * w.2 + p11[o] * w.3
                    }
                } else {
                    let w = taps.weights, inside = taps.inside, fill = s.fillValue
                    for c in 0..<channels {
                        let o = c * channelStride
                        let v00 = inside.0 ? image[taps.offsets.0 + o] : fill
                        let v01 = inside.1 ? image[taps.offsets.1 + o] : fill
                        let v10 = inside.2 ? image[taps.offsets.2 + o] : fill
                        let v11 = inside.3 ? image[taps.offsets.3 + o] : fill
                        out[o] = v00 * w.0 + v01 * w.1 + v10 * w.2 + v11 * w.3
                    }
                }
            }
        }
    }
}

/// The gradient of `affineSampleImages` with respect to its input: each output gradient
/// element is added, times its tap's weight, to every inside tap it read (`inputGradient`
/// must start zeroed). Images are spread over the pool (taps of one image collide).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func affineSampleImagesBackward<T: FloatElement>(
    _ outputGradient: UnsafePointer<T>, _ inputGradient: UnsafeMutablePointer<T>, layout: ImageLayout,
    sampling s: AffineSampling<T>
) {
    let width = layout.width, channels = layout.channels
    let pixelStride = layout.pixelStride, channelStride = layout.channelStride
    ThreadPool.shared.parallelFor(layout.images) { n in
        let t = s.transforms + (s.sharedTransform ? 0 : 8 * n)
        let gradient = inputGradient + n * layout.imageStride
        let upstream = outputGradient + n * layout.imageStride
        for y in 0..<layout.height {
            for x in 0..<width {
                let taps = affineTaps(x: x, y: y, t: t, s, layout)
                let g = upstream + (y * width + x) * pixelStride
                @inline(__always) func spread(_ offset: Int, _ weight: T, _ inside: Bool) {
                    if !inside { return }
                    for c in 0..<channels { gradient[offset + c * channelStride] += g[c * channelStride] * weight }
                }
                spread(taps.offsets.0, taps.weights.0, taps.inside.0)
                if taps.count == 4 {
                    spread(taps.offsets.1, taps.weights.1, taps.inside.1)
                    spread(taps.offsets.2, taps.weights.2, taps.inside.2)
                    spread(taps.offsets.3, taps.weights.3, taps.inside.3)
                }
            }
        }
    }
}

/// sign(c)·⌊|c| + ½⌋: nearest, ties away from zero, as jax.scipy.ndimage rounds for order 0.
@inline(__always)
private func roundHalfAwayFromZero<T: FloatElement>(_ c: T) -> T {
    let magnitude = floorWithoutLibm(abs(c) + T(0.5))
    return c < 0 ? -magnitude : magnitude
}
