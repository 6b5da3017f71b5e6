import CSwiftDL
import SwiftDL

// The shim for keras.ops.image.affine_transform's one-pass kernel.

@_cdecl("sdl_image_affine_transform")
public func imageAffineTransform(
    _ images: OpaquePointer?, _ transforms: OpaquePointer?, _ bilinear: Int32, _ fillMode: Int32,
    _ fillValue: Double, _ channelsFirst: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    let op = "affine_transform"
    return produce(out) {
        guard let mode = ImageFillMode(rawValue: fillMode) else {
            throw SDLError(.value, "[\(op)] fill_mode code must be 0 (constant) to 4 (reflect); received \(fillMode)")
        }
        return try affineTransformImages(
            borrow(images, op), transforms: borrow(transforms, op), bilinear: bilinear != 0, fillMode: mode,
            fillValue: fillValue, channelsFirst: channelsFirst != 0)
    }
}
