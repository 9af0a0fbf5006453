using Rebel.Tensors;
using Rebel.Tensors.Memory;

namespace Rebel.Tensors.Tests;

public class AutogradTests
{
    [Test]
    public void Backward_TwiceOnFreshGraphs_AccumulatesLeafGradients()
    {
        var w = Tensor.FromArray([1f, 2f, 3f], 3);
        w.RequiresGrad = true;
        (w * w).Sum().Backward();
        (w * w).Sum().Backward();
        Assert.That(w.Grad!.ToArray(), Is.EqualTo(new[] { 4f, 8f, 12f })); // 2 · 2w
        w.ZeroGrad();
        Assert.That(w.Grad, Is.Null);
    }

    [Test]
    public void Backward_SharedSubexpression_SumsBothPaths()
    {
        var x = Tensor.FromArray([2f], 1);
        x.RequiresGrad = true;
        var y = x * x;        // y = x²
        (y * y + y).Sum().Backward(); // d/dx (x⁴ + x²) = 4x³ + 2x = 36
        Assert.That(x.Grad!.Item(), Is.EqualTo(36f));
    }

    [Test]
    public void NoGrad_DoesNotRecord()
    {
        var w = Tensor.Ones(2);
        w.RequiresGrad = true;
        Tensor y;
        using (Tensor.NoGrad()) y = (w * 3f).Sum();
        Assert.That(y.RequiresGrad, Is.False);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.That(Tensor.IsGradEnabled, Is.True);
    }

    [Test]
    public void Backward_NonScalarWithoutGradient_Throws()
    {
        var w = Tensor.Ones(2);
        w.RequiresGrad = true;
        Assert.Throws<InvalidOperationException>(() => (w * 2f).Backward());
    }

    [Test]
    public void Scope_RecyclesBuffers_SoRepeatedStepsDoNotGrowMemory()
    {
        var rng = new Rng(1);
        var w = Tensor.Normal(rng, 1f, 64, 64);
        w.RequiresGrad = true;
        var x = Tensor.Normal(rng, 1f, 32, 64);
        void Step(bool scoped)
        {
            using var scope = scoped ? new TensorScope() : null;
            Tensor.MatMul(x, w).Tanh().Square().Mean().Backward();
        }
        long PerStep(bool scoped)
        {
            Step(scoped); Step(scoped); // warm the pool and the JIT
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) Step(scoped);
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        }
        long unscoped = PerStep(false), scoped = PerStep(true);
        long pooled = BufferPool.PooledBytes;
        PerStep(true);
        // a recycled step allocates only small bookkeeping objects, not its activations and gradients
        Assert.That(scoped, Is.LessThan(unscoped / 4), $"scoped step {scoped} B vs unscoped {unscoped} B");
        Assert.That(BufferPool.PooledBytes, Is.EqualTo(pooled), "the pool grew across steps");
        Assert.That(w.Grad, Is.Not.Null); // leaf gradients survive the scope
    }

    [Test]
    public void Scope_TensorUsedAfterItEnds_Throws()
    {
        Tensor t;
        using (new TensorScope()) t = Tensor.Ones(3) * 2f;
        Assert.Throws<ObjectDisposedException>(() => t.ToArray());
    }

    [Test]
    public void Scope_Keep_MovesTensorOut()
    {
        Tensor t;
        using (var scope = new TensorScope()) t = scope.Keep(Tensor.Ones(3) * 2f);
        Assert.That(t.ToArray(), Is.EqualTo(new[] { 2f, 2f, 2f }));
    }

    [Test]
    public void Backward_InScope_FreesEachNodesTemporariesAndUsedGradients_SoItsPeakDoesNotGrowWithDepth()
    {
        // A chain of L tanh layers: the forward keeps L activations of n floats. Kept to the end, the backward's
        // gradients and temporaries would add about 2L more; freed as the pass goes, a few buffers are live at a time.
        const int n = 4096, layers = 32;
        var x = Tensor.Normal(new Rng(5), 1f, n);
        x.RequiresGrad = true;
        float[] expected;
        {
            var h = x;
            for (int l = 0; l < layers; l++) h = (h * 0.9f).Tanh();
            h.Sum().Backward();
            expected = x.Grad!.ToArray();
            x.ZeroGrad();
        }
        Tensor middle;
        long forward, backward;
        using (new TensorScope())
        {
            BufferPool.ResetPeak();
            long start = BufferPool.RentedBytes;
            var h = x;
            middle = x;
            for (int l = 0; l < layers; l++)
            {
                h = (h * 0.9f).Tanh();
                if (l == layers / 2) middle = h;
            }
            var loss = h.Sum();
            forward = BufferPool.PeakRentedBytes - start;
            BufferPool.ResetPeak();
            long beforeBackward = BufferPool.RentedBytes;
            loss.Backward();
            backward = BufferPool.PeakRentedBytes - beforeBackward;
            Assert.That(loss.Item(), Is.Not.NaN, "the graph's tensors are still readable after the backward pass");
        }
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(expected), "same gradient as without a scope");
        Assert.That(middle.Grad, Is.Null, "an intermediate's gradient is freed once propagated");
        Assert.That(forward, Is.GreaterThanOrEqualTo(2L * layers * n * sizeof(float)), "the forward's activations are pooled");
        Assert.That(backward, Is.LessThanOrEqualTo(6L * n * sizeof(float)), $"backward peak {backward} B above the activations");
    }

    [Test]
    public void Pool_AtTheEndOfAStep_KeepsWhatRecentStepsUse_DroppingTheLeastRecentlyUsedLengths()
    {
        long saved = BufferPool.MinPooledBytes;
        BufferPool.MinPooledBytes = 1 << 20;
        try
        {
            const int old = 100_000, recent = 100_001;                    // two lengths of ≈ 0.4 MB
            for (int i = 0; i < BufferPool.RecentSteps; i++) BufferPool.EndStep(); // forget other tests' steps
            void Cycle(int length, int count)
            {
                var arrays = Enumerable.Range(0, count).Select(_ => BufferPool.Rent(length)).ToList();
                arrays.ForEach(BufferPool.Return);
            }
            Cycle(old, 4);
            long budget = BufferPool.EndStep();                            // peak ≈ 1.6 MB → budget ≈ 2.4 MB
            Assert.That(budget, Is.EqualTo((long)(BufferPool.Headroom * 4 * 4 * old)).Within(4 * 8));
            long pooledOld = BufferPool.PooledBytes;
            Cycle(recent, 4);                                              // the same peak, another length
            budget = BufferPool.EndStep();
            Assert.That(BufferPool.PooledBytes, Is.LessThanOrEqualTo(budget), "trimmed to the budget");
            long before = BufferPool.PooledBytes;
            var reused = BufferPool.Rent(recent);
            Assert.That(BufferPool.PooledBytes, Is.EqualTo(before - 4L * recent), "the recently used length is still pooled");
            BufferPool.Return(reused);
            before = BufferPool.PooledBytes;
            var dropped = Enumerable.Range(0, 4).Select(_ => BufferPool.Rent(old)).ToList();
            Assert.That(BufferPool.PooledBytes, Is.GreaterThan(before - 4L * 4 * old), "some of the older length was dropped");
            dropped.ForEach(BufferPool.Return);
            Assert.That(pooledOld, Is.GreaterThan(0));
        }
        finally
        {
            BufferPool.MinPooledBytes = saved;
        }
    }
}
