/// numpy.where(condition, x, y): x where the condition holds, else y, all three broadcast
/// together; the result has x's and y's promoted dtype.
public func select(_ condition: Tensor, _ x: Tensor, _ y: Tensor) throws -> Tensor {
    let shape = try broadcastShapes(broadcastShapes(condition.shape, x.shape, op: "where"), y.shape, op: "where")
    let dtype = DType.promote(x.dtype, y.dtype)
    let mask = try condition.converted(to: .bool), a = try x.converted(to: dtype), b = try y.converted(to: dtype)
    let result = try Tensor.empty(shape, dtype: dtype)
    let nest = LoopNest(
        shape: shape,
        strides: [
            broadcastStrides(mask, to: shape), broadcastStrides(a, to: shape),
            broadcastStrides(b, to: shape), result.strides,
        ])
    try dtype.dispatch(SelectDispatch(mask: mask, a: a, b: b, out: result, nest: nest))
    return result
}

private struct SelectDispatch: ElementVisitor {
    let mask: Tensor, a: Tensor, b: Tensor, out: Tensor, nest: LoopNest
    func visit<T: Element>(_: T.Type) {
        let pm = mask.pointer(as: Bool.self), pa = a.pointer(as: T.self), pb = b.pointer(as: T.self),
            po = out.pointer(as: T.self)
        let sm = nest.innerStride(0), sa = nest.innerStride(1), sb = nest.innerStride(2), so = nest.innerStride(3)
        nest.forEachRow { offsets, n in
            let m = pm + offsets[0], x = pa + offsets[1], y = pb + offsets[2], o = po + offsets[3]
            for i in 0..<n { o[i &* so] = m[i &* sm] ? x[i &* sa] : y[i &* sb] }
        }
    }
}
