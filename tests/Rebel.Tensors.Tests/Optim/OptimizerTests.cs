using Rebel.Tensors.Optim;

namespace Rebel.Tensors.Tests.Optim;

public class OptimizerTests
{
    private static Tensor Named(string name, params float[] values)
    {
        var t = Tensor.FromArray(values, values.Length);
        t.Name = name;
        return t;
    }

    [Test]
    public void AdamW_FirstStep_MovesEachWeightByLearningRateAgainstGradientSign()
    {
        // At t = 1, m̂ = g and v̂ = g², so the step is η·g/(|g| + ε) ≈ η·sign(g), after decay θ·(1 − ηλ).
        var p = Named("p", 1f, -2f, 0.5f);
        var optimizer = new AdamW([p], new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.5, Epsilon = 1e-12 });
        p.Grad = Tensor.FromArray([3f, -0.01f, 0f], 3);
        optimizer.Step();
        Assert.That(p.ToArray(), Is.EqualTo(new[] { 1f * 0.95f - 0.1f, -2f * 0.95f + 0.1f, 0.5f * 0.95f }).Within(1e-6));
    }

    [Test]
    public void Sgd_Momentum_AccumulatesVelocity()
    {
        var p = Named("p", 0f);
        var optimizer = new Sgd([p], new SgdOptions { LearningRate = 1, Momentum = 0.5 });
        for (int i = 0; i < 3; i++)
        {
            p.Grad = Tensor.FromArray([1f], 1);
            optimizer.Step();
        }
        // buffers 1, 1.5, 1.75 → θ = −(1 + 1.5 + 1.75)
        Assert.That(p.ToArray()[0], Is.EqualTo(-4.25f));
        Assert.That(optimizer.StepCount, Is.EqualTo(3));
    }

    [TestCase(7)]
    [TestCase(8)]
    [TestCase(37)]
    public void Kernels_VectorAndScalarPaths_AgreeBitForBit(int n)
    {
        // Stepping a whole parameter (vector lanes + tail) equals stepping its elements one at a time (scalar path).
        var rng = new System.Random(n);
        float[] Draw() => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var (p, g) = (Draw(), Draw());
        var (m, v) = (Draw(), Draw().Select(Math.Abs).ToArray());
        var (p1, m1, v1) = ((float[])p.Clone(), (float[])m.Clone(), (float[])v.Clone());
        OptimizerKernels.AdamW(p1, g, m1, v1, 0.99f, 0.9f, 0.1f, 0.999f, 0.001f, 0.01f, 0.3f, 1e-8f);
        for (int i = 0; i < n; i++)
            OptimizerKernels.AdamW(p.AsSpan(i, 1), g.AsSpan(i, 1), m.AsSpan(i, 1), v.AsSpan(i, 1), 0.99f, 0.9f, 0.1f, 0.999f, 0.001f, 0.01f, 0.3f, 1e-8f);
        Assert.That((p1, m1, v1), Is.EqualTo((p, m, v)));

        var b = Draw();
        var (q1, b1) = ((float[])p.Clone(), (float[])b.Clone());
        OptimizerKernels.Sgd(q1, g, b1, false, 0.1f, 0.9f, 0.7f, 0.01f, nesterov: true);
        for (int i = 0; i < n; i++)
            OptimizerKernels.Sgd(p.AsSpan(i, 1), g.AsSpan(i, 1), b.AsSpan(i, 1), false, 0.1f, 0.9f, 0.7f, 0.01f, nesterov: true);
        Assert.That((q1, b1), Is.EqualTo((p, b)));
    }

    [Test]
    public void Step_GradientShapeMismatch_Throws()
    {
        var p = Named("p", 1f, 2f);
        var optimizer = new AdamW([p]);
        p.Grad = Tensor.Zeros(3);
        var e = Assert.Throws<InvalidOperationException>(() => optimizer.Step())!;
        Assert.That(e.Message, Does.Contain("[2]").And.Contain("[3]"));
    }

    [Test]
    public void ZeroGrad_ClearsEveryGradient()
    {
        var (a, b) = (Named("a", 1f), Named("b", 2f));
        a.Grad = Tensor.Ones(1);
        b.Grad = Tensor.Ones(1);
        new Sgd([a, b]).ZeroGrad();
        Assert.That((a.Grad, b.Grad), Is.EqualTo(((Tensor?)null, (Tensor?)null)));
    }

    [Test]
    public void Constructor_BadParameters_Throw()
    {
        var unnamed = Tensor.Zeros(2);
        Assert.That(Assert.Throws<ArgumentException>(() => new AdamW([unnamed]))!.Message, Does.Contain("no Name"));
        Assert.That(Assert.Throws<ArgumentException>(() => new Sgd([Named("x", 1f), Named("x", 2f)]))!.Message, Does.Contain("\"x\""));
        var matrix = Tensor.Zeros(2, 3);
        var view = matrix.Transpose(0, 1);
        view.Name = "view";
        Assert.That(Assert.Throws<ArgumentException>(() => new AdamW([view]))!.Message, Does.Contain("strided"));
    }

    [Test]
    public void Options_Invalid_ThrowNamingTheValue()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptions { Beta1 = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptions { Beta2 = -0.1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptions { Epsilon = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptions { LearningRate = double.NaN }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptions { WeightDecay = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptions { Momentum = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptions { Dampening = 1.5 }.Validate());
        var e = Assert.Throws<ArgumentException>(() => new SgdOptions { Nesterov = true, Momentum = 0.9, Dampening = 0.1 }.Validate())!;
        Assert.That(e.Message, Does.Contain("0.9").And.Contain("0.1"));
        Assert.Throws<ArgumentException>(() => new Sgd([Named("p", 1f)], new SgdOptions { Nesterov = true }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([Named("p", 1f)]).LearningRate = -1);
        Assert.That(new AdamWOptions().Validate().WeightDecay, Is.EqualTo(0.01), "PyTorch's default");
    }
    [Test]
    public void Step_LargeParameters_ChunkedParallelUpdateEqualsOneSequentialPass()
    {
        // 5·2¹⁵ + 13 elements: enough for the parallel path, with a ragged last chunk; a small second parameter.
        int n = 5 * (1 << 15) + 13;
        var rng = new System.Random(7);
        float[] Draw(int count) => Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var (big, small) = (Named("big", Draw(n)), Named("small", Draw(5)));
        var (bigGrad, smallGrad) = (Draw(n), Draw(5));
        var (p, m, v) = (big.ToArray(), new float[n], new float[n]);
        var optimizer = new AdamW([big, small], new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.1 });
        for (int t = 1; t <= 2; t++)
        {
            big.Grad = Tensor.FromArray((float[])bigGrad.Clone(), n);
            small.Grad = Tensor.FromArray((float[])smallGrad.Clone(), 5);
            optimizer.Step();
            OptimizerKernels.AdamW(p, bigGrad, m, v, (float)(1 - 0.01 * 0.1), 0.9f, (float)(1 - 0.9), 0.999f, (float)(1 - 0.999),
                (float)(0.01 / (1 - Math.Pow(0.9, t))), (float)Math.Sqrt(1 - Math.Pow(0.999, t)), 1e-8f);
        }
        Assert.That(big.ToArray().AsSpan().SequenceEqual(p), Is.True, "chunked parallel update differs from one sequential pass");

        big.Grad = Tensor.FromArray((float[])bigGrad.Clone(), n);
        double expected = Math.Sqrt(bigGrad.Sum(x => (double)x * x) + smallGrad.Sum(x => (double)x * x));
        double norm = GradientClipping.GlobalNorm([big, small]);
        Assert.That(norm, Is.EqualTo(expected).Within(1e-10).Percent);
        Assert.That(GradientClipping.GlobalNorm([big, small]), Is.EqualTo(norm), "fixed chunks: identical on every call");
        GradientClipping.ClipByGlobalNorm([big, small], 1.0);
        Assert.That(GradientClipping.GlobalNorm([big, small]), Is.EqualTo(1.0).Within(1e-5));
    }
}
