using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests.Nn;

public class SoftmaxTests
{
    [TestCase(new[] { 7 }, -1)]
    [TestCase(new[] { 3, 5 }, -1)]
    [TestCase(new[] { 2, 3, 9 }, 2)]
    [TestCase(new[] { 4, 3, 5 }, 1)]
    [TestCase(new[] { 4, 3, 5 }, 0)]
    public void Softmax_MatchesFiniteDifferences(int[] shape, int axis) =>
        GradCheck.Verify(x => x[0].Softmax(axis), [Randn(21, shape)]);

    [TestCase(new[] { 7 }, -1)]
    [TestCase(new[] { 3, 5 }, -1)]
    [TestCase(new[] { 4, 3, 5 }, 1)]
    public void LogSoftmax_MatchesFiniteDifferences(int[] shape, int axis) =>
        GradCheck.Verify(x => x[0].LogSoftmax(axis), [Randn(22, shape)]);

    [Test]
    public void Softmax_OnStridedView_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => x[0].Transpose(0, 1).Softmax(), [Randn(23, 5, 3)]);

    [Test]
    public void Softmax_RowsSumToOneAndMatchDefinition()
    {
        var x = Randn(24, 6, 11);
        var y = x.Softmax().ToArray();
        var xs = x.ToArray();
        for (int r = 0; r < 6; r++)
        {
            double z = 0;
            for (int j = 0; j < 11; j++) z += Math.Exp(xs[r * 11 + j]);
            for (int j = 0; j < 11; j++)
                Assert.That(y[r * 11 + j], Is.EqualTo(Math.Exp(xs[r * 11 + j]) / z).Within(1e-6));
        }
    }

    [Test]
    public void Softmax_LargeLogits_DoNotOverflow()
    {
        var y = Tensor.FromArray([1000f, 1000f, -1000f], 3).Softmax().ToArray();
        Assert.That(y, Is.EqualTo(new[] { 0.5f, 0.5f, 0f }).Within(1e-6f));
        var ly = Tensor.FromArray([1000f, 0f], 2).LogSoftmax().ToArray();
        Assert.That(ly[0], Is.EqualTo(0f).Within(1e-6f));
        Assert.That(ly[1], Is.EqualTo(-1000f).Within(1e-3f));
    }

    [Test]
    public void LogSoftmax_EqualsLogOfSoftmax()
    {
        var x = Randn(25, 3, 700); // wider than one stack chunk of the backward kernel
        var a = x.LogSoftmax().ToArray();
        var b = x.Softmax().Log().ToArray();
        for (int i = 0; i < a.Length; i++) Assert.That(a[i], Is.EqualTo(b[i]).Within(1e-4f));
    }

    [Test]
    public void LogSoftmax_WideRows_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => x[0].LogSoftmax(), [Randn(26, 2, 600)]);

    [Test]
    public void Softmax_LargeInput_ParallelRowsMatchSerialDefinition()
    {
        var x = Randn(27, 300, 257);
        x.RequiresGrad = true;
        var y = x.Softmax();
        var w = Randn(28, 300, 257);
        (y * w).Sum().Backward();
        var ya = y.ToArray(); var wa = w.ToArray(); var ga = x.Grad!.ToArray();
        for (int r = 0; r < 300; r += 37)
        {
            double dot = 0;
            for (int j = 0; j < 257; j++) dot += ya[r * 257 + j] * wa[r * 257 + j];
            for (int j = 0; j < 257; j++)
                Assert.That(ga[r * 257 + j], Is.EqualTo(ya[r * 257 + j] * (wa[r * 257 + j] - dot)).Within(1e-5));
        }
    }

    [Test]
    public void Softmax_BadAxisOrScalar_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Randn(29, 2, 3).Softmax(2));
        Assert.Throws<ArgumentException>(() => Tensor.Scalar(1f).LogSoftmax());
    }
}
