/// keras.ops.image.affine_transform as one engine op: each image (rank 4, channels last or
/// first) resampled through its own 8-number projective transform (`transforms` is (1, 8)
/// for one shared by all images, or (batch, 8)), nearest or bilinear, with a fill mode.
/// Differentiable in the images; the transforms are treated as constants (the layers draw
/// them at random).
public func affineTransformImages(
    _ images: Tensor, transforms: Tensor, bilinear: Bool, fillMode: ImageFillMode, fillValue: Double,
    channelsFirst: Bool
) throws -> Tensor {
    let op = "affine_transform"
    try requireFloat(images, op, "images")
    if images.rank != 4 {
        throw SDLError.value(
            op, "images must be rank 4 (batch, height, width, channels); received shape \(describeShape(images.shape))")
    }
    if transforms.rank != 2 || transforms.shape[1] != 8
        || (transforms.shape[0] != 1 && transforms.shape[0] != images.shape[0])
    {
        throw SDLError.value(
            op,
            "transforms must have shape (1, 8) or (batch, 8) with batch \(images.shape[0]); received shape \(describeShape(transforms.shape))"
        )
    }
    let layout = imageLayout(images.shape, channelsFirst: channelsFirst)
    let input = try images.contiguous()
    let coefficients = try transforms.converted(to: images.dtype).contiguous()
    let shared = transforms.shape[0] == 1
    let out = try Tensor.empty(images.shape, dtype: images.dtype)
    if out.count > 0 {
        try images.dtype.dispatchFloat(
            AffineForward(
                input: input, output: out, layout: layout, transforms: coefficients, shared: shared,
                bilinear: bilinear, fillMode: fillMode, fillValue: fillValue))
    }
    if isRecordingGradients {
        record(op, inputs: [images], outputs: [out]) { gradients in
            guard let g = gradients[0] else { return [nil] }
            let upstream = try g.converted(to: images.dtype).contiguous()
            let dx = try Tensor.empty(images.shape, dtype: images.dtype, zeroed: true)
            if dx.count > 0 {
                try images.dtype.dispatchFloat(
                    AffineBackward(
                        upstream: upstream, gradient: dx, layout: layout, transforms: coefficients, shared: shared,
                        bilinear: bilinear, fillMode: fillMode))
            }
            return [dx]
        }
    }
    return out
}

func imageLayout(_ shape: [Int], channelsFirst: Bool) -> ImageLayout {
    channelsFirst
        ? ImageLayout(images: shape[0], height: shape[2], width: shape[3], channels: shape[1], channelsFirst: true)
        : ImageLayout(images: shape[0], height: shape[1], width: shape[2], channels: shape[3], channelsFirst: false)
}

private struct AffineForward: FloatVisitor {
    let input: Tensor, output: Tensor, layout: ImageLayout, transforms: Tensor
    let shared: Bool, bilinear: Bool, fillMode: ImageFillMode, fillValue: Double
    func visit<T: FloatElement>(_: T.Type) {
        let sampling = AffineSampling(
            transforms: UnsafePointer(transforms.pointer(as: T.self)), sharedTransform: shared, bilinear: bilinear,
            fillMode: fillMode, fillValue: T(fillValue))
        affineSampleImages(
            UnsafePointer(input.pointer(as: T.self)), output.pointer(as: T.self), layout: layout, sampling: sampling)
    }
}

private struct AffineBackward: FloatVisitor {
    let upstream: Tensor, gradient: Tensor, layout: ImageLayout, transforms: Tensor
    let shared: Bool, bilinear: Bool, fillMode: ImageFillMode
    func visit<T: FloatElement>(_: T.Type) {
        let sampling = AffineSampling(
            transforms: UnsafePointer(transforms.pointer(as: T.self)), sharedTransform: shared, bilinear: bilinear,
            fillMode: fillMode, fillValue: 0)
        affineSampleImagesBackward(
            UnsafePointer(upstream.pointer(as: T.self)), gradient.pointer(as: T.self), layout: layout,
            sampling: sampling)
    }
}
