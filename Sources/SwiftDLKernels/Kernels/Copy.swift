/// Copies `source` elements into `destination` (same loop shape, any strides), converting
/// the element type with numpy's casting rules. Used for astype, contiguous copies,
/// broadcasting assignment and numpy-buffer imports.
@_specialize(exported:true,where S == Float, D == Float)
@_specialize(exported:true,where S == Float, D == Double)
@_specialize(exported:true,where S == Float, D == Int32)
@_specialize(exported:true,where S == Float, D == Int64)
@_specialize(exported:true,where S == Float, D == UInt8)
@_specialize(exported:true,where S == Float, D == Bool)
@_specialize(exported:true,where S == Double, D == Float)
@_specialize(exported:true,where S == Double, D == Double)
@_specialize(exported:true,where S == Double, D == Int32)
@_specialize(exported:true,where S == Double, D == Int64)
@_specialize(exported:true,where S == Double, D == UInt8)
@_specialize(exported:true,where S == Double, D == Bool)
@_specialize(exported:true,where S == Int32, D == Float)
@_specialize(exported:true,where S == Int32, D == Double)
@_specialize(exported:true,where S == Int32, D == Int32)
@_specialize(exported:true,where S == Int32, D == Int64)
@_specialize(exported:true,where S == Int32, D == UInt8)
@_specialize(exported:true,where S == Int32, D == Bool)
@_specialize(exported:true,where S == Int64, D == Float)
@_specialize(exported:true,where S == Int64, D == Double)
@_specialize(exported:true,where S == Int64, D == Int32)
@_specialize(exported:true,where S == Int64, D == Int64)
@_specialize(exported:true,where S == Int64, D == UInt8)
@_specialize(exported:true,where S == Int64, D == Bool)
@_specialize(exported:true,where S == UInt8, D == Float)
@_specialize(exported:true,where S == UInt8, D == Double)
@_specialize(exported:true,where S == UInt8, D == Int32)
@_specialize(exported:true,where S == UInt8, D == Int64)
@_specialize(exported:true,where S == UInt8, D == UInt8)
@_specialize(exported:true,where S == UInt8, D == Bool)
@_specialize(exported:true,where S == Bool, D == Float)
@_specialize(exported:true,where S == Bool, D == Double)
@_specialize(exported:true,where S == Bool, D == Int32)
@_specialize(exported:true,where S == Bool, D == Int64)
@_specialize(exported:true,where S == Bool, D == UInt8)
@_specialize(exported:true,where S == Bool, D == Bool)
@inline(__always)
public func copyKernel<S: Element, D: Element>(
    from source: UnsafePointer<S>, to destination: UnsafeMutablePointer<D>, nest: LoopNest
) {
    let sourceStride = nest.innerStride(0), destinationStride = nest.innerStride(1)
    nest.forEachRow { offsets, length in
        let input = source + offsets[0], output = destination + offsets[1]
        if sourceStride == 1 && destinationStride == 1 {
            if S.self == D.self {
                output.update(from: UnsafePointer<D>(OpaquePointer(input)), count: length)
            } else {
                for i in 0..<length { output[i] = input[i].converted(to: D.self) }
            }
        } else {
            for i in 0..<length { output[i &* destinationStride] = input[i &* sourceStride].converted(to: D.self) }
        }
    }
}
