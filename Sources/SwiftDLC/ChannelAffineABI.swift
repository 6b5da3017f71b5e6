import CSwiftDL
import SwiftDL

// The shim for the fused per-channel scale and offset of Rescaling, Normalization and
// RandomContrast.

@_cdecl("sdl_channel_affine")
public func channelAffineShim(
    _ x: OpaquePointer?, _ outer: Int64, _ middle: Int64, _ channels: Int64, _ shift: OpaquePointer?,
    _ scale: OpaquePointer?, _ offset: OpaquePointer?, _ divide: Int32, _ low: Double, _ high: Double,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "channel_affine"
    return produce(out) {
        try channelAffine(
            borrow(x, op), ChannelAffineShape(outer: Int(outer), middle: Int(middle), channels: Int(channels)),
            shift: borrow(shift, op), scale: borrow(scale, op), offset: borrow(offset, op), divide: divide != 0,
            low: low, high: high)
    }
}
