using Rebel.Tensors.Optim;

namespace Rebel.Tensors.Tests.Optim;

public class GradientClippingTests
{
    private static Tensor Param(string name, float[] grad)
    {
        var p = Tensor.Zeros(grad.Length);
        p.Name = name;
        p.Grad = Tensor.FromArray(grad, grad.Length);
        return p;
    }

    [Test]
    public void ClipByGlobalNorm_AboveMax_ScalesToMaxAndReturnsNormBefore()
    {
        // ‖(3, 4, 0, 12)‖ = 13 over two parameters; a third has no gradient and is skipped.
        var a = Param("a", [3f, 4f]);
        var b = Param("b", [0f, 12f]);
        var c = Tensor.Zeros(2); c.Name = "c";
        double norm = GradientClipping.ClipByGlobalNorm([a, b, c], 1.3);
        Assert.That(norm, Is.EqualTo(13).Within(1e-12));
        Assert.That(GradientClipping.GlobalNorm([a, b, c]), Is.EqualTo(1.3).Within(1e-6));
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 0.3f, 0.4f }).Within(1e-6));
        Assert.That(c.Grad, Is.Null);
    }

    [Test]
    public void ClipByGlobalNorm_BelowMax_LeavesGradientsUnchanged()
    {
        var a = Param("a", [3f, 4f]);
        Assert.That(GradientClipping.ClipByGlobalNorm([a], 10), Is.EqualTo(5).Within(1e-12));
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 3f, 4f }));
    }

    [Test]
    public void GlobalNorm_LongVector_AccumulatesInDouble()
    {
        // 1003 elements (vector lanes and a tail) of 1e-3 plus one 1e3: the small terms must not be lost.
        var values = Enumerable.Repeat(1e-3f, 1003).ToArray();
        values[500] = 1e3f;
        double expected = Math.Sqrt(1002 * (double)1e-3f * 1e-3f + 1e6);
        Assert.That(GradientClipping.GlobalNorm([Param("a", values)]), Is.EqualTo(expected).Within(1e-12).Percent);
        Assert.That(GradientClipping.GlobalNorm([Tensor.Zeros(2)]), Is.EqualTo(0), "no gradients: norm 0");
    }

    [Test]
    public void ClipByGlobalNorm_NonFinite_ReturnsItAndLeavesGradientsAlone()
    {
        var a = Param("a", [1f, 2f]);
        var b = Param("b", [float.NaN, 1f]);
        Assert.That(GradientClipping.ClipByGlobalNorm([a, b], 1.0), Is.NaN);
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(new[] { 1f, 2f }));
        var inf = Param("inf", [float.PositiveInfinity]);
        Assert.That(GradientClipping.ClipByGlobalNorm([a, inf], 1.0), Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void ClipByGlobalNorm_NonFiniteWithThrow_NamesParameter()
    {
        var a = Param("a", [1f, 2f]);
        var b = Param("layer.b", [1f, float.NegativeInfinity]);
        var e = Assert.Throws<ArithmeticException>(() => GradientClipping.ClipByGlobalNorm([a, b], 1.0, throwIfNonFinite: true))!;
        Assert.That(e.Message, Does.Contain("\"layer.b\""));
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void ClipByGlobalNorm_BadMaxNorm_Throws(double maxNorm)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm([Param("a", [1f])], maxNorm));
    }
}
