/// The fused multi-tensor update every optimizer shares: one call validates all variables,
/// gradients and slots, computes the clipping scales, then runs the optimizer's element
/// rule over every parameter in place, split across the thread pool.

/// An optimizer's per-element update, applied to one contiguous piece of one variable.
/// `slots[k]` is the k-th slot tensor (momentum, velocity, ...) of that variable.
public protocol ElementwiseUpdateRule {
    func update<T: FloatElement>(
        _ range: Range<Int>, variable: UnsafeMutablePointer<T>, gradient: UnsafePointer<T>,
        slots: [UnsafeMutablePointer<T>], prepare: GradientPreparation<T>)
}

/// Applies `rule` to every variable in place. `slots[k][i]` is slot kind k of variable i;
/// each must have its variable's shape and dtype and be contiguous, as must the variable.
/// Gradients are converted to their variable's dtype.
public func applyFusedUpdate<R: ElementwiseUpdateRule>(
    _ rule: R, op: String, variables: [Tensor], gradients: [Tensor], slots: [[Tensor]], options: OptimizerOptions
) throws {
    try options.validate(op)
    if variables.count != gradients.count {
        throw SDLError.value(op, "received \(gradients.count) gradients for \(variables.count) variables")
    }
    if let mask = options.weightDecayMask, mask.count != variables.count {
        throw SDLError.value(op, "the weight decay mask has \(mask.count) flags for \(variables.count) variables")
    }
    for (kind, list) in slots.enumerated() where list.count != variables.count {
        throw SDLError.value(op, "slot list \(kind) has \(list.count) tensors for \(variables.count) variables")
    }
    var prepared: [Tensor] = []
    for (index, variable) in variables.enumerated() {
        let gradient = gradients[index]
        if !variable.dtype.isFloatingPoint {
            throw SDLError.type(
                op,
                "variable \(index) must be float32 or float64; received dtype \(variable.dtype.name) with shape \(describeShape(variable.shape))"
            )
        }
        if !variable.isContiguous {
            throw SDLError.value(
                op,
                "variable \(index) with shape \(describeShape(variable.shape)) must be contiguous to be updated in place"
            )
        }
        if gradient.shape != variable.shape {
            throw SDLError.value(
                op,
                "gradient \(index) has shape \(describeShape(gradient.shape)) but its variable has shape \(describeShape(variable.shape))"
            )
        }
        if gradient.dtype == .bool || !(gradient.dtype.isFloatingPoint || gradient.dtype.isInteger) {
            throw SDLError.type(op, "gradient \(index) must be numeric; received dtype \(gradient.dtype.name)")
        }
        for (kind, list) in slots.enumerated() {
            let slot = list[index]
            if slot.shape != variable.shape || slot.dtype != variable.dtype || !slot.isContiguous {
                throw SDLError.value(
                    op,
                    "slot \(kind) of variable \(index) must be a contiguous \(variable.dtype.name) tensor of shape \(describeShape(variable.shape)); received \(slot.dtype.name) \(describeShape(slot.shape))"
                )
            }
            if slot.storage === variable.storage {
                throw SDLError.value(op, "slot \(kind) of variable \(index) shares memory with its variable")
            }
        }
        var g = try gradient.converted(to: variable.dtype).contiguous()
        // The update writes the variable and its slots: a gradient viewing them must be copied first.
        if g.storage === variable.storage || slots.contains(where: { $0[index].storage === g.storage }) {
            g = try g.cast(to: g.dtype)
        }
        prepared.append(g)
    }
    for i in variables.indices {
        for j in (i + 1)..<max(variables.count, i + 1) where variables[i].storage === variables[j].storage {
            throw SDLError.value(op, "variables \(i) and \(j) share memory; each variable may appear once")
        }
    }
    let scales = try clippingScales(prepared, options: options)
    for dtype in [DType.float32, .float64] {
        let members = variables.indices.filter { variables[$0].dtype == dtype }
        if members.isEmpty { continue }
        try dtype.dispatchFloat(
            FusedUpdateRun(
                rule: rule, members: members, variables: variables, gradients: prepared,
                slots: slots, scales: scales, options: options))
    }
}

private struct FusedUpdateRun<R: ElementwiseUpdateRule>: FloatVisitor {
    let rule: R, members: [Int], variables: [Tensor], gradients: [Tensor], slots: [[Tensor]]
    let scales: [Double], options: OptimizerOptions

    func visit<T: FloatElement>(_: T.Type) {
        // Cut every variable into pieces of about `grain` elements; the pool takes pieces.
        let grain = 1 << 15
        var pieces: [(index: Int, range: Range<Int>)] = []
        for index in members {
            let count = variables[index].count
            var start = 0
            while start < count {
                let end = Swift.min(count, start + grain)
                pieces.append((index, start..<end))
                start = end
            }
        }
        let bound = options.clipvalue.map { T($0) } ?? T.infinity
        let decay = T(options.weightDecay * options.learningRate)
        let run = { (piece: Int) in
            let (index, range) = pieces[piece]
            let decays = options.weightDecayMask?[index] ?? true
            let prepare = GradientPreparation<T>(
                scale: T(scales[index]), low: -bound, high: bound, decay: decays ? decay : 0)
            rule.update(
                range, variable: variables[index].pointer(as: T.self),
                gradient: UnsafePointer(gradients[index].pointer(as: T.self)),
                slots: slots.map { $0[index].pointer(as: T.self) }, prepare: prepare)
        }
        let total = members.reduce(0) { $0 + variables[$1].count }
        if total >= 2 * grain && ThreadPool.shared.threadCount > 1 {
            ThreadPool.shared.parallelFor(pieces.count, run)
        } else {
            for piece in pieces.indices { run(piece) }
        }
    }
}
