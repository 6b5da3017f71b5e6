/// Typed views of generic pointers whose element type the caller has checked: for the
/// concrete Float and Double loops and the float32-only AVX2 kernels, which generic
/// kernels call after testing `T.self == Float.self` (or choosing a float32-only plan).
extension UnsafePointer {
    package var asFloat: UnsafePointer<Float> { UnsafeRawPointer(self).assumingMemoryBound(to: Float.self) }
    package var asDouble: UnsafePointer<Double> { UnsafeRawPointer(self).assumingMemoryBound(to: Double.self) }
}

extension UnsafeMutablePointer {
    package var asFloat: UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(self).assumingMemoryBound(to: Float.self)
    }
    package var asDouble: UnsafeMutablePointer<Double> {
        UnsafeMutableRawPointer(self).assumingMemoryBound(to: Double.self)
    }
}
