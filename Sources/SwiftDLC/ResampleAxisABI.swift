import CSwiftDL
import SwiftDL

// The shims for a separable image resize: one axis, or the height and width in one pass.

@_cdecl("sdl_image_resample_axis")
public func imageResampleAxis(
    _ x: OpaquePointer?, _ axis: Int64, _ weights: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "resample_axis"
    return produce(out) { try resampleAxis(borrow(x, op), axis: Int(axis), weights: borrow(weights, op)) }
}

@_cdecl("sdl_image_resample_2d")
public func imageResampleTwoAxes(
    _ x: OpaquePointer?, _ axis: Int64, _ heightWeights: OpaquePointer?, _ widthWeights: OpaquePointer?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "resample_2d"
    return produce(out) {
        try resampleTwoAxes(
            borrow(x, op), axis: Int(axis), heightWeights: borrow(heightWeights, op),
            widthWeights: borrow(widthWeights, op))
    }
}
