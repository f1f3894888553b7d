import Testing
@testable import Tensor

@Suite struct BLASTests {
    /// `op(a) · op(b)` by the textbook triple loop, in `Double`.
    static func naive(_ a: Tensor, _ ta: Bool, _ b: Tensor, _ tb: Bool) -> Tensor {
        let m = ta ? a.shape[1] : a.shape[0]
        let k = ta ? a.shape[0] : a.shape[1]
        let n = tb ? b.shape[0] : b.shape[1]
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total: Double = 0
                for p in 0..<k {
                    let x = ta ? a.scalars[p * m + i] : a.scalars[i * k + p]
                    let y = tb ? b.scalars[j * k + p] : b.scalars[p * n + j]
                    total += Double(x) * Double(y)
                }
                c[i * n + j] = Float(total)
            }
        }
        return Tensor(shape: [m, n], scalars: c)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func sgemmMatchesTripleLoop(_ transposes: (Bool, Bool)) {
        let (ta, tb) = transposes
        var rng = Xoshiro256StarStar(seed: 2024)
        for _ in 0..<12 {
            let m = 1 + Int(rng.next() % 40)
            let k = 1 + Int(rng.next() % 70)
            let n = 1 + Int(rng.next() % 40)
            let a = Tensor.randomNormal(ta ? [k, m] : [m, k], using: &rng)
            let b = Tensor.randomNormal(tb ? [n, k] : [k, n], using: &rng)
            let fast = Tensor.matmul(a, transposeA: ta, b, transposeB: tb)
            let slow = Self.naive(a, ta, b, tb)
            #expect(fast.shape == [m, n])
            let worst = zip(fast.scalars, slow.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-4 * Float(k), "m \(m) k \(k) n \(n): max error \(worst)")
        }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func singleRowAgreesWithTripleLoop(_ transposes: (Bool, Bool)) {
        let (ta, tb) = transposes
        var rng = Xoshiro256StarStar(seed: 77)
        for (k, n) in [(1, 1), (38, 64), (64, 16), (7, 3)] {
            let a = Tensor.randomNormal(ta ? [k, 1] : [1, k], using: &rng)
            let b = Tensor.randomNormal(tb ? [n, k] : [k, n], using: &rng)
            let fast = Tensor.matmul(a, transposeA: ta, b, transposeB: tb)
            let slow = Self.naive(a, ta, b, tb)
            #expect(fast.shape == [1, n])
            #expect(zip(fast.scalars, slow.scalars).allSatisfy { abs($0 - $1) < 1e-4 * Float(k) })
            var accumulated = Tensor.ones([1, n])
            accumulated.addMatmul(a, transposeA: ta, b, transposeB: tb, alpha: 2)
            #expect(zip(accumulated.scalars, slow.scalars).allSatisfy { abs($0 - (1 + 2 * $1)) < 2e-4 * Float(k) })
        }
    }

    @Test(arguments: [(38, 64), (64, 16), (16, 64), (64, 38), (2, 3)])
    func rowsAgreeAcrossBatchSizes(_ extents: (Int, Int)) {
        // A row gives the same result alone or inside a batch of any size, up to rounding:
        // OpenBLAS picks kernels by shape, so the last bits may differ between batch sizes
        // (never between runs of the same shape).
        let (input, output) = extents
        var rng = Xoshiro256StarStar(seed: 404)
        let weight = Tensor.randomNormal([input, output], using: &rng)
        let bias = Tensor.randomNormal([output], using: &rng)
        for batch in [1, 2, 3, 5, 8, 17, 64, 255, 256, 1000] {
            let x = Tensor.randomNormal([batch, input], using: &rng)
            let whole = Tensor.affine(x, weight: weight, bias: bias)
            #expect(Tensor.affine(x, weight: weight, bias: bias).scalars.map(\.bitPattern) == whole.scalars.map(\.bitPattern))
            for row in Set([0, batch / 2, batch - 1]) {
                let alone = Tensor.affine(x.gatheringRows(row..<(row + 1)), weight: weight, bias: bias)
                let inside = whole.gatheringRows(row..<(row + 1))
                #expect(approximately(alone.scalars, inside.scalars, tolerance: 1e-5), "row \(row) of \(batch)")
            }
        }
    }

    @Test func addMatmulAccumulates() {
        var rng = Xoshiro256StarStar(seed: 5)
        let a = Tensor.randomNormal([6, 3], using: &rng)
        let b = Tensor.randomNormal([6, 4], using: &rng)
        var c = Tensor.ones([3, 4])
        c.addMatmul(a, transposeA: true, b)
        let expected = Self.naive(a, true, b, false) + 1
        #expect(zip(c.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func affineAddsBiasRow() {
        let x = Tensor(rows: [[1, 2], [3, 4]])
        let w = Tensor(rows: [[1, 0, 2], [0, 1, -1]])
        let bias = Tensor([10, 20, 30])
        #expect(Tensor.affine(x, weight: w, bias: bias) == Tensor(rows: [[11, 22, 30], [13, 24, 32]]))
    }
}
