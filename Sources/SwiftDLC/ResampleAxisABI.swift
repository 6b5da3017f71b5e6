import CSwiftDL
import SwiftDL

// The shim for one axis of a separable image resize.

@_cdecl("sdl_image_resample_axis")
public func imageResampleAxis(
    _ x: OpaquePointer?, _ axis: Int64, _ weights: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "resample_axis"
    return produce(out) { try resampleAxis(borrow(x, op), axis: Int(axis), weights: borrow(weights, op)) }
}
