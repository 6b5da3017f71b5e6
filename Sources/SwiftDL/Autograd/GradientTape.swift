/// One recorded op: which tensors went in and came out, and how to turn gradients of
/// the outputs into gradients of the inputs (its vector-Jacobian product).
struct TapeNode {
    let name: String
    let inputs: [Tensor]
    let outputs: [Tensor]
    /// Gradients of the outputs (nil where no gradient flows) → gradients of the inputs
    /// (nil where the input gets none). Shapes match the inputs.
    let backward: ([Tensor?]) throws -> [Tensor?]
    /// How the node takes part in scale fusion (ScaledGradientFusion.swift), if at all.
    var fusion: TapeFusion? = nil
}

/// Records differentiable ops while it is active, then computes gradients by walking its
/// records backwards (reverse-mode automatic differentiation), like tf.GradientTape.
public final class GradientTape: @unchecked Sendable {
    public let persistent: Bool
    public let watchAccessedVariables: Bool
    /// False inside `stop_recording`: ops run but are not recorded.
    public var isRecording = true

    private var nodes: [TapeNode] = []
    /// Tensors whose gradients this tape follows: watched ones and outputs of recorded ops.
    private var tracked: Set<ObjectIdentifier> = []
    /// Watched tensors are held so that their identities stay unique while tracked.
    private var watched: [Tensor] = []
    private var gradientTaken = false

    public init(persistent: Bool = false, watchAccessedVariables: Bool = true) {
        self.persistent = persistent
        self.watchAccessedVariables = watchAccessedVariables
    }

    /// Makes the tape follow gradients flowing into `tensor` (floats only, like TensorFlow).
    public func watch(_ tensor: Tensor) {
        guard tensor.dtype.isFloatingPoint else { return }
        if tracked.insert(ObjectIdentifier(tensor)).inserted { watched.append(tensor) }
    }

    func follows(_ tensor: Tensor) -> Bool {
        if tracked.contains(ObjectIdentifier(tensor)) { return true }
        // A trainable variable read while the tape records is watched automatically.
        if watchAccessedVariables && tensor.isTrainableVariable && tensor.dtype.isFloatingPoint {
            watch(tensor)
            return true
        }
        return false
    }

    /// Whether the tape already follows `tensor` (no automatic watching, unlike `follows`).
    private func isTracked(_ tensor: Tensor) -> Bool { tracked.contains(ObjectIdentifier(tensor)) }

    func append(_ node: TapeNode) {
        nodes.append(node)
        for output in node.outputs where output.dtype.isFloatingPoint { tracked.insert(ObjectIdentifier(output)) }
    }

    /// The trainable variables this tape follows, watched or read while it recorded, in the
    /// order it first saw them (tf.GradientTape.watched_variables).
    public var watchedVariables: [Tensor] { watched.filter { $0.isTrainableVariable } }

    /// Number of recorded ops (for tests of memory behaviour).
    public var recordedCount: Int { nodes.count }

    /// Gradients of `target` (summed over its elements, or weighted by `outputGradient`)
    /// with respect to each source; nil for sources it does not depend on.
    public func gradient(of target: Tensor, withRespectTo sources: [Tensor], outputGradient: Tensor? = nil) throws
        -> [Tensor?]
    {
        try gradient(of: [target], withRespectTo: sources, outputGradients: [outputGradient])
    }

    /// Gradients of the sum of several targets, each summed over its elements or weighted by
    /// its entry of `outputGradients` (nil: all ones), as tf.GradientTape does for a list.
    /// Bad input throws before the tape is used up, so a non-persistent tape can be retried.
    ///
    /// `whenFinal(i, gradient)`, when given, runs once per source during the walk, as soon as
    /// the gradient of `sources[i]` will receive no more contributions: after the last op
    /// that consumes the source has passed its gradient back (before the walk for sources no
    /// recorded op consumes). It receives the gradient `gradient` returns for that source
    /// (nil where there is none). `afterEachOp()` runs after every other op whose backward
    /// ran, so a caller can poll work of its own (data-parallel training starts each
    /// gradient bucket's allreduce as soon as it is full, and progresses the ones started).
    /// An error thrown by either ends the walk and is rethrown.
    public func gradient(
        of targets: [Tensor], withRespectTo sources: [Tensor], outputGradients: [Tensor?],
        whenFinal: ((Int, Tensor?) throws -> Void)? = nil, afterEachOp: (() throws -> Void)? = nil
    ) throws
        -> [Tensor?]
    {
        if gradientTaken && !persistent {
            throw SDLError.value(
                "gradient",
                "GradientTape.gradient can only be called once on non-persistent tapes; create the tape with persistent=True to call it more than once"
            )
        }
        if outputGradients.count != targets.count {
            throw SDLError.value(
                "gradient", "received \(outputGradients.count) output_gradients for \(targets.count) targets")
        }
        var seeds: [(Tensor, Tensor)] = []
        for (target, outputGradient) in zip(targets, outputGradients) {
            if !target.dtype.isFloatingPoint {
                throw SDLError.type(
                    "gradient", "the target must be a float tensor; received dtype \(target.dtype.name)")
            }
            if let outputGradient {
                if outputGradient.shape != target.shape {
                    throw SDLError.value(
                        "gradient",
                        "output_gradients has shape \(describeShape(outputGradient.shape)) but the target has shape \(describeShape(target.shape))"
                    )
                }
                seeds.append((target, try outputGradient.converted(to: target.dtype)))
            } else {
                seeds.append(
                    (
                        target,
                        try Tensor.full(target.shape, value: Tensor.scalar(1, dtype: target.dtype), dtype: target.dtype)
                    ))
            }
        }
        gradientTaken = true
        defer { if !persistent { release() } }
        var gradients: [ObjectIdentifier: Tensor] = [:]
        for (target, seed) in seeds {
            let key = ObjectIdentifier(target)
            gradients[key] = try gradients[key].map { try binary(.add, $0, seed) } ?? seed
        }
        // The last op the reverse walk visits that consumes each source: the recorded one
        // with the lowest index among its consumers. After it, the source's gradient is final.
        var finalAfterNode: [Int: [Int]] = [:]
        var finalAtOnce: [Int] = []
        if whenFinal != nil {
            var lastConsumer: [ObjectIdentifier: Int] = [:]
            for index in nodes.indices.reversed() {
                for input in nodes[index].inputs { lastConsumer[ObjectIdentifier(input)] = index }
            }
            for (position, source) in sources.enumerated() {
                if let index = lastConsumer[ObjectIdentifier(source)] {
                    finalAfterNode[index, default: []].append(position)
                } else {
                    finalAtOnce.append(position)
                }
            }
        }
        var results = [Tensor?](repeating: nil, count: sources.count)
        var resolved = [Bool](repeating: false, count: sources.count)
        // As in TensorFlow, a source this tape does not follow (never watched, not an output
        // of a recorded op, not an auto-watched variable) is unconnected: nil.
        func resolve(_ position: Int) throws {
            let source = sources[position]
            if source.dtype.isFloatingPoint, isTracked(source), let gradient = gradients[ObjectIdentifier(source)] {
                results[position] = try gradient.converted(to: source.dtype)
            }
            resolved[position] = true
            try whenFinal?(position, results[position])
        }
        for position in finalAtOnce { try resolve(position) }
        // A tape used once lets go of each node, and of its outputs' gradients, as soon as the
        // node's VJP has run: what the node saved (its inputs, outputs, the closure's captures)
        // and the gradients flowing into it are dead from then on. Holding them to the end
        // kept every activation and every activation's gradient alive at once, twice
        // MobileNetV2's activations, and the fresh gradient buffers page-faulted every step.
        // (Identities stay unique: a tensor still to be looked up is held by a node not yet
        // visited, by the caller (sources, targets) or by `watched`.)
        let sourceKeys = Set(sources.map { ObjectIdentifier($0) })
        let fusions = planScaledGradientFusions(
            nodes, excluding: sourceKeys.union(seeds.map { ObjectIdentifier($0.0) }), isTracked: isTracked)
        func accumulate(_ gradient: Tensor?, into input: Tensor) throws {
            // A node is recorded when this tape follows any of its inputs; the others
            // (data, constants, tensors only another tape watches) get no gradient here.
            guard let computed = gradient, input.dtype.isFloatingPoint, isTracked(input) else { return }
            let gradient = try computed.converted(to: input.dtype) // mixed-dtype ops promote
            let key = ObjectIdentifier(input)
            gradients[key] = try gradients[key].map { try binary(.add, $0, gradient) } ?? gradient
        }
        var index = nodes.count
        while index > 0 {
            index -= 1
            let node = nodes[index]
            defer {
                if !persistent {
                    nodes.removeLast()
                    for output in node.outputs where !sourceKeys.contains(ObjectIdentifier(output)) {
                        gradients[ObjectIdentifier(output)] = nil
                    }
                }
            }
            let outputGradients = node.outputs.map { gradients[ObjectIdentifier($0)] }
            let runs = !outputGradients.allSatisfy({ $0 == nil })
            if runs, let plan = fusions[index], case .scalableBackward(let scaledBackward)? = node.fusion {
                // The scaling node's output gets no gradient, so that node does not run.
                try accumulate(scaledBackward(outputGradients, plan.scale), into: plan.target)
            } else if runs {
                let inputGradients = try node.backward(outputGradients)
                for (input, gradient) in zip(node.inputs, inputGradients) { try accumulate(gradient, into: input) }
            }
            if let positions = finalAfterNode[index] {
                for position in positions { try resolve(position) }
            } else if runs {
                try afterEachOp?()
            }
        }
        for position in sources.indices where !resolved[position] {
            let source = sources[position]
            if source.dtype.isFloatingPoint, isTracked(source), let gradient = gradients[ObjectIdentifier(source)] {
                results[position] = try gradient.converted(to: source.dtype)
            }
        }
        return results
    }

    /// Frees everything recorded (the tape's memory goes when the gradient is taken).
    public func release() {
        nodes.removeAll()
        tracked.removeAll()
        watched.removeAll()
    }

    // MARK: - Entering and leaving

    /// Makes this tape record ops run on the calling thread until `exit`.
    public func enter() { TapeStack.current.tapes.append(self) }

    /// Stops recording on the calling thread (the innermost occurrence of this tape).
    public func exit() {
        let stack = TapeStack.current
        if let index = stack.tapes.lastIndex(where: { $0 === self }) { stack.tapes.remove(at: index) }
    }
}
