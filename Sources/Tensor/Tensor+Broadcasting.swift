extension Tensor {
    /// The shape that `a` and `b` broadcast to, NumPy rules: axes align from the last; each
    /// pair of extents is equal or one of them is 1; a missing leading axis counts as 1.
    /// - Precondition: the shapes are compatible (both in the message).
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
        if a == b { return a }
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let ea = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let eb = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            precondition(
                ea == eb || ea == 1 || eb == 1, "broadcast: shapes \(a) and \(b) are incompatible")
            result[axis] = ea == 1 ? eb : ea
        }
        return result
    }

    /// Row-major strides of `shape` aligned to `target`, with 0 on axes that broadcast.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        let offset = target.count - shape.count
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis + offset] = shape[axis] == 1 ? 0 : step
            step *= shape[axis]
        }
        return strides
    }

    /// Whether `small` is one row repeated over `large`: `large` is `[..., f]` and `small` has
    /// `f` elements with every other extent 1 (e.g. `[f]` or `[1, f]` over `[batch, f]`).
    static func isRowBroadcast(_ small: [Int], over large: [Int]) -> Bool {
        guard let last = large.last, small.count <= large.count, small.last == last else {
            return false
        }
        return small.dropLast().allSatisfy { $0 == 1 }
    }

    /// Applies `body(elementIndex, broadcastIndexA, broadcastIndexB)` over `shape`, in
    /// row-major order, with flat indices into operands of the given strides.
    @inline(__always)
    static func forEachBroadcastIndex(
        shape: [Int], stridesA: [Int], stridesB: [Int], _ body: (Int, Int, Int) -> Void
    ) {
        let count = shape.reduce(1, *)
        if count == 0 { return }
        let rank = shape.count
        var index = [Int](repeating: 0, count: rank)
        var ia = 0
        var ib = 0
        for flat in 0..<count {
            body(flat, ia, ib)
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                ia += stridesA[axis]
                ib += stridesB[axis]
                if index[axis] < shape[axis] { break }
                ia -= stridesA[axis] * shape[axis]
                ib -= stridesB[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Combines two tensors element-wise with broadcasting: `result[i] = op(a[i], b[i])`.
    @inline(__always)
    static func broadcasting(
        _ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float
    ) -> Tensor {
        let shape = broadcastShape(a.shape, b.shape)
        let count = shape.reduce(1, *)
        let result = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    if a.shape == b.shape {
                        for i in 0..<count { out[i] = op(pa[i], pb[i]) }
                    } else if pb.count == 1 {
                        let y = pb[0]
                        for i in 0..<count { out[i] = op(pa[i], y) }
                    } else if pa.count == 1 {
                        let x = pa[0]
                        for i in 0..<count { out[i] = op(x, pb[i]) }
                    } else if a.shape == shape && isRowBroadcast(b.shape, over: shape) {
                        let width = pb.count
                        var base = 0
                        while base < count {
                            for j in 0..<width { out[base + j] = op(pa[base + j], pb[j]) }
                            base += width
                        }
                    } else if b.shape == shape && isRowBroadcast(a.shape, over: shape) {
                        let width = pa.count
                        var base = 0
                        while base < count {
                            for j in 0..<width { out[base + j] = op(pa[j], pb[base + j]) }
                            base += width
                        }
                    } else {
                        forEachBroadcastIndex(
                            shape: shape,
                            stridesA: broadcastStrides(a.shape, to: shape),
                            stridesB: broadcastStrides(b.shape, to: shape)
                        ) { flat, ia, ib in out[flat] = op(pa[ia], pb[ib]) }
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// Sums a broadcast result back to `target`: the gradient reduction of broadcasting.
    ///
    /// `result[j] = Σ self[i]` over every `i` that broadcast from `j`.
    /// - Precondition: `target` broadcasts to `shape`.
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(
            Tensor.broadcastShape(target, shape) == shape,
            "sum(toShape:): \(target) does not broadcast to \(shape)")
        let targetCount = target.reduce(1, *)
        var result = [Float](repeating: 0, count: targetCount)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { out in
                if targetCount == 1 {
                    var total: Float = 0
                    for x in source { total += x }
                    out[0] = total
                } else if Tensor.isRowBroadcast(target, over: shape) {
                    let width = targetCount
                    var base = 0
                    while base < source.count {
                        for j in 0..<width { out[j] += source[base + j] }
                        base += width
                    }
                } else {
                    let zero = [Int](repeating: 0, count: shape.count)
                    Tensor.forEachBroadcastIndex(
                        shape: shape, stridesA: Tensor.broadcastStrides(target, to: shape),
                        stridesB: zero
                    ) { flat, it, _ in out[it] += source[flat] }
                }
            }
        }
        return Tensor(shape: target, scalars: result)
    }

    /// Repeats `self` along broadcast axes to `target`: `result[i] = self[j(i)]`.
    /// - Precondition: `shape` broadcasts to `target`.
    public func broadcast(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(
            Tensor.broadcastShape(shape, target) == target,
            "broadcast(to:): \(shape) does not broadcast to \(target)")
        return Tensor.broadcasting(self, Tensor.zeros(target)) { x, _ in x }
    }
}
