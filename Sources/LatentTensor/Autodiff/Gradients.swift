extension Tensor {
    /// The gradients of this tensor's scalar sum with respect to each of `targets`.
    ///
    /// Reverse-mode differentiation over the recorded graph, seeded with ones (for a scalar loss,
    /// the ordinary gradient). Only the part of the graph that leads to a target is visited. A
    /// target the result does not depend on gets a zero gradient. Gradients reaching a tensor
    /// along several paths (a tensor used twice, a shared layer) are summed.
    ///
    /// - Parameters:
    ///   - targets: tensors that require gradients (leaves such as parameters, or intermediate
    ///     results of this graph).
    ///   - createsGraph: when `true`, the backward pass is itself recorded, so the returned
    ///     gradients can be differentiated again (a gradient penalty); when `false`, they are
    ///     plain values.
    /// - Returns: one gradient per target, shaped like the target.
    /// - Precondition: every target requires a gradient.
    public func gradients(withRespectTo targets: [Tensor], createsGraph: Bool = false) -> [Tensor] {
        gradients(withRespectTo: targets, seed: Tensor(shape: shape, repeating: 1),
                  createsGraph: createsGraph)
    }

    /// The vector–Jacobian products `seedᵀ · ∂self/∂target` for each target.
    ///
    /// - Parameters:
    ///   - targets: tensors that require gradients.
    ///   - seed: the upstream gradient, shaped like this tensor.
    ///   - createsGraph: record the backward pass for higher-order gradients.
    /// - Returns: one gradient per target, shaped like the target.
    public func gradients(
        withRespectTo targets: [Tensor], seed: Tensor, createsGraph: Bool = false
    ) -> [Tensor] {
        precondition(
            seed.shape == shape,
            "gradients(withRespectTo:seed:): seed of shape \(seed.shape) for a tensor of shape \(shape)")
        let targetNodes = targets.enumerated().map { index, target -> GraphNode in
            guard let node = target.node else {
                preconditionFailure(
                    "gradients(withRespectTo:): target \(index) of shape \(target.shape) does not "
                        + "require a gradient (call requiringGradient() or use a Parameter)")
            }
            return node
        }
        guard let root = node else {
            return targets.map { Tensor(zeros: $0.shape) }
        }
        return withGradientRecording(createsGraph) {
            Backpropagation(root: root, targets: targetNodes).run(seed: seed)
        }
    }
}

/// One backward pass: orders the graph, keeps the part that reaches a target, and pulls the
/// gradient back node by node.
private struct Backpropagation {
    let root: GraphNode
    let targets: [GraphNode]

    func run(seed: Tensor) -> [Tensor] {
        let targetIDs = Set(targets.map(ObjectIdentifier.init))
        let order = topologicalOrder()
        // A node is relevant when a target is reachable from it through its inputs.
        var relevant = Set<ObjectIdentifier>()
        for node in order {  // inputs come before the nodes that use them
            let id = ObjectIdentifier(node)
            if targetIDs.contains(id)
                || node.inputs.contains(where: { $0.map { relevant.contains(ObjectIdentifier($0)) } ?? false })
            {
                relevant.insert(id)
            }
        }
        var pending: [ObjectIdentifier: Tensor] = [:]
        var results: [ObjectIdentifier: Tensor] = [:]
        if relevant.contains(ObjectIdentifier(root)) { pending[ObjectIdentifier(root)] = seed }
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard let upstream = pending.removeValue(forKey: id) else { continue }
            if targetIDs.contains(id) { results[id] = upstream }
            guard let pullback = node.pullback else { continue }
            let needed = node.inputs.map { input in
                input.map { relevant.contains(ObjectIdentifier($0)) } ?? false
            }
            guard needed.contains(true) else { continue }
            let inputGradients = pullback(upstream, needed)
            for (index, input) in node.inputs.enumerated() where needed[index] {
                guard let input, let gradient = inputGradients[index] else { continue }
                precondition(
                    gradient.shape == input.shape,
                    "backward of \(node.operation): gradient of shape \(gradient.shape) for an input "
                        + "of shape \(input.shape)")
                let inputID = ObjectIdentifier(input)
                if var accumulated = pending.removeValue(forKey: inputID) {
                    // A sum nothing else holds is added to in place when no graph is being
                    // recorded: one pass and no new buffer per extra use of a tensor.
                    if !GradientRecording.isEnabled && isKnownUniquelyReferenced(&accumulated.storage) {
                        Elementwise.addInPlace(accumulated.storage, gradient.storage)
                        pending[inputID] = accumulated
                    } else {
                        pending[inputID] = accumulated + gradient
                    }
                } else {
                    pending[inputID] = gradient
                }
            }
        }
        return targets.map { results[ObjectIdentifier($0)] ?? Tensor(zeros: $0.shape) }
    }

    /// The nodes reachable from the root, each after all of its inputs (iterative DFS).
    private func topologicalOrder() -> [GraphNode] {
        var order: [GraphNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: GraphNode, nextInput: Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while !stack.isEmpty {
            let (node, nextInput) = stack[stack.count - 1]
            if nextInput < node.inputs.count {
                stack[stack.count - 1].nextInput += 1
                if let input = node.inputs[nextInput], visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(node)
                stack.removeLast()
            }
        }
        return order
    }
}
