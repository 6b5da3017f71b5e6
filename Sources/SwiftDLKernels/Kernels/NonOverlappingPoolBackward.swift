/// The pooling backward pass when the windows tile the image without overlapping (stride
/// equal to the window, Keras's default `strides=None`): every input element lies in at most
/// one window, so dx is written once, element by element, instead of zero-filled and then
/// scattered into. The scatter read and wrote the whole of dx a second time (a 2×2 max
/// pool's dx is four times its dy); here each input row is written once, in order, by the
/// thread that owns its band of output rows.

/// Whether `g`'s windows never overlap, so the one-write backward pass applies.
package func poolWindowsTile(_ g: WindowGeometry) -> Bool {
    g.strideHeight == g.windowHeight && g.strideWidth == g.windowWidth && g.dilationHeight == 1
        && g.dilationWidth == 1
}

/// dx for max pooling (`argmax` given: dy where the element is its window's argmax, else 0)
/// or average pooling (dy over the window's size within the image) when poolWindowsTile(g).
/// Input rows and columns that no window covers (VALID padding's remainder) get 0.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func tiledPoolBackward<T: FloatElement>(
    _ dy: UnsafePointer<T>, argmax: UnsafePointer<Int32>?, _ dx: UnsafeMutablePointer<T>, _ g: WindowGeometry
) {
    let c = g.channels, rowSize = g.inputWidth * c, bands = g.outputHeight
    // The first input column and row no window reaches (padding before shifts them left).
    let coveredWidth = min(g.inputWidth, max(0, g.outputWidth * g.strideWidth - g.padLeft))
    let coveredHeight = min(g.inputHeight, max(0, g.outputHeight * g.strideHeight - g.padTop))
    parallelPieces(0..<(g.batch * bands), minimumPiece: max(1, 16_384 / max(rowSize * g.windowHeight, 1))) { pieces in
        for band in pieces {
            let n = band / bands, oh = band % bands
            let image = dx + n * g.inputImageSize
            let taps = g.validTaps(oh: oh, ow: 0)
            for kh in taps.kh {
                let ih = taps.h0 + kh, line = image + ih * rowSize
                for ow in 0..<g.outputWidth {
                    let p = (n * bands + oh) * g.outputWidth + ow
                    let window = g.validTaps(oh: oh, ow: ow)
                    let upstream = dy + p * c
                    if let argmax {
                        let winners = argmax + p * c
                        for kw in window.kw {
                            let position = (ih * g.inputWidth + window.w0 + kw) * c
                            keepWinners(upstream, winners, position: position, count: c, line + (window.w0 + kw) * c)
                        }
                    } else {
                        let scale = T.one / T(fromInt64: Int64(max(taps.kh.count * window.kw.count, 1)))
                        for kw in window.kw {
                            let target = line + (window.w0 + kw) * c
                            for j in 0..<c { target[j] = upstream[j] * scale }
                        }
                    }
                }
                (line + coveredWidth * c).update(repeating: T.zero, count: (g.inputWidth - coveredWidth) * c)
            }
            // The last band also clears the rows below every window.
            if oh == bands - 1 && coveredHeight < g.inputHeight {
                (image + coveredHeight * rowSize).update(
                    repeating: T.zero, count: (g.inputHeight - coveredHeight) * rowSize)
            }
        }
    }
}

/// target[j] = upstream[j] where winners[j] is this element (position + j), else 0.
@inline(__always)
private func keepWinners<T: FloatElement>(
    _ upstream: UnsafePointer<T>, _ winners: UnsafePointer<Int32>, position: Int, count c: Int,
    _ target: UnsafeMutablePointer<T>
) {
    var j = 0
    if T.self == Float.self {
        // Eight lanes with an explicit select: the generic loop stays scalar and branchy.
        let values = UnsafeRawPointer(upstream), indices = UnsafeRawPointer(winners)
        let out = UnsafeMutableRawPointer(target)
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        while j + 8 <= c {
            let offset = j * 4
            let mine = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: position + j)) &+ lanes
            let hit = indices.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int32>.self) .== mine
            let kept = SIMD8<Float>(repeating: 0).replacing(
                with: values.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self), where: hit)
            out.storeBytes(of: kept, toByteOffset: offset, as: SIMD8<Float>.self)
            j += 8
        }
    }
    while j < c {
        target[j] = winners[j] == Int32(truncatingIfNeeded: position + j) ? upstream[j] : T.zero
        j += 1
    }
}
