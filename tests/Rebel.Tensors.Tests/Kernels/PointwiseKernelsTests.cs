using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

/// <summary>
/// The public pointwise kernels the models' inference runs (<see cref="GeluKernels"/>, <see cref="ReluKernels"/>,
/// <see cref="SwiGluKernels"/>): formulas against double references on a length with a vector body and a scalar tail,
/// and short spans.
/// </summary>
[TestFixture]
public class PointwiseKernelsTests
{
    private const int N = 29;

    [Test]
    public void GeluForward_MatchesTanhFormInDouble()
    {
        var x = Random(1, N, scale: 3f);
        var y = (float[])x.Clone();
        GeluKernels.Forward(y, y);                                               // in place, as the GPT-2 decoder calls it
        for (int i = 0; i < N; i++)
        {
            double v = x[i], u = Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v);
            Assert.That(y[i], Is.EqualTo(0.5 * v * (1 + Math.Tanh(u))).Within(1e-5 + 1e-5 * Math.Abs(v)), $"x = {v}");
        }
    }

    [Test]
    public void GeluBackward_AddsTheDerivative()
    {
        var x = Random(2, N, scale: 3f);
        var dy = Random(3, N, scale: 1f);
        var dx = Enumerable.Repeat(0.5f, N).ToArray();
        GeluKernels.Backward(x, dy, dx);
        for (int i = 0; i < N; i++)
        {
            double v = x[i], h = 1e-4;
            double Gelu(double z) => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
            double slope = (Gelu(v + h) - Gelu(v - h)) / (2 * h);
            Assert.That(dx[i], Is.EqualTo(0.5 + dy[i] * slope).Within(1e-4), $"x = {v}");
        }
    }

    [Test]
    public void ReluAndSwiGlu_MatchTheirFormulas()
    {
        var x = Random(4, N, scale: 2f);
        var u = Random(5, N, scale: 2f);
        var relu = new float[N];
        ReluKernels.Forward(x, relu);
        var swiglu = new float[N];
        SwiGluKernels.Forward(x, u, swiglu);
        for (int i = 0; i < N; i++)
        {
            Assert.That(relu[i], Is.EqualTo(Math.Max(x[i], 0f)));
            double expected = x[i] / (1 + Math.Exp(-x[i])) * u[i];
            Assert.That(swiglu[i], Is.EqualTo(expected).Within(1e-6 + 1e-5 * Math.Abs(expected)));
        }
    }

    [Test]
    public void ShortSpans_ThrowBeforeWriting()
    {
        var x = Random(6, N, scale: 1f);
        var y = new float[N];
        var e = Assert.Throws<ArgumentException>(() => GeluKernels.Forward(x, y.AsSpan(1)));
        Assert.That(e!.Message, Does.Contain("GELU: y holds 28 floats"));
        Assert.Throws<ArgumentException>(() => GeluKernels.Backward(x, new float[N - 1], y));
        Assert.Throws<ArgumentException>(() => ReluKernels.Forward(x, y.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => ReluKernels.Backward(x, new float[N], y.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => SwiGluKernels.Forward(x, new float[N - 1], y));
        Assert.Throws<ArgumentException>(() => SwiGluKernels.Forward(x, x, y.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => SwiGluKernels.Backward(x, x, x, new float[N - 1], []));
        Assert.That(y, Is.All.EqualTo(0f), "nothing written");
    }

    private static float[] Random(ulong seed, int n, float scale)
    {
        var values = new float[n];
        new Rng(seed).FillNormal(values, std: scale);
        return values;
    }
}
