using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests.Nn;

public class LlamaOpsTests
{
    [TestCase(new[] { 5 })]
    [TestCase(new[] { 3, 7 })]
    [TestCase(new[] { 2, 3, 6 })]
    public void RmsNorm_MatchesFiniteDifferences(int[] shape) =>
        GradCheck.Verify(x => Tensor.RmsNorm(x[0], x[1], 1e-5f), [Randn(131, shape), Randn(132, shape[^1])]);

    [Test]
    public void RmsNorm_OnStridedView_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.RmsNorm(x[0].Transpose(0, 1), x[1]), [Randn(133, 6, 4), Randn(134, 6)]);

    [Test]
    public void RmsNorm_MatchesDefinition()
    {
        var x = Randn(135, 4, 9);
        var w = Randn(136, 9);
        var y = Tensor.RmsNorm(x, w, eps: 1e-6f).ToArray();
        var xs = x.ToArray(); var ws = w.ToArray();
        for (int r = 0; r < 4; r++)
        {
            double ms = 0;
            for (int j = 0; j < 9; j++) ms += (double)xs[r * 9 + j] * xs[r * 9 + j];
            ms /= 9;
            for (int j = 0; j < 9; j++)
                Assert.That(y[r * 9 + j], Is.EqualTo(xs[r * 9 + j] / Math.Sqrt(ms + 1e-6) * ws[j]).Within(1e-5));
        }
    }

    [Test]
    public void RmsNorm_ManyRows_ParallelWeightGradientEqualsSerialSum()
    {
        var x = Randn(137, 400, 96);
        var w = Randn(138, 96);
        w.RequiresGrad = true;
        var g = Randn(139, 400, 96);
        (Tensor.RmsNorm(x, w) * g).Sum().Backward();
        var xs = x.ToArray(); var gs = g.ToArray();
        var expected = new double[96];
        for (int r = 0; r < 400; r++)
        {
            double ms = 0;
            for (int j = 0; j < 96; j++) ms += (double)xs[r * 96 + j] * xs[r * 96 + j];
            double rs = 1 / Math.Sqrt(ms / 96 + 1e-6);
            for (int j = 0; j < 96; j++) expected[j] += gs[r * 96 + j] * xs[r * 96 + j] * rs;
        }
        var dw = w.Grad!.ToArray();
        for (int j = 0; j < 96; j++) Assert.That(dw[j], Is.EqualTo(expected[j]).Within(1e-3));
    }

    [Test]
    public void RmsNorm_WrongWeightShape_ThrowsNamingShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.RmsNorm(Randn(140, 2, 5), Randn(141, 4)));
        Assert.That(ex!.Message, Does.Contain("[4]").And.Contain("[2, 5]"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.RmsNorm(Randn(142, 2, 5), Randn(143, 5), eps: 0f));
    }

    private static RotaryTable Table(int d, int positions)
    {
        var f = new double[d / 2];
        for (int i = 0; i < f.Length; i++) f[i] = Math.Pow(10000.0, -2.0 * i / d);
        return new RotaryTable(f, positions);
    }

    [Test]
    public void Rope_MatchesFiniteDifferences()
    {
        var table = Table(6, 16);
        int[] positions = [0, 3, 7, 1, 2, 15];
        GradCheck.Verify(x => Tensor.Rope(x[0], positions, 2, table), [Randn(144, 2, 3, 12)]);
    }

    [Test]
    public void Rope_OnStridedSlice_MatchesFiniteDifferences()
    {
        var table = Table(4, 8);
        int[] positions = [0, 1, 2, 3, 4, 5];
        GradCheck.Verify(x => Tensor.Rope(x[0].Split(-1, 8, 4)[0], positions, 2, table), [Randn(145, 2, 3, 12)]);
    }

    [Test]
    public void Rope_MatchesRotateHalfDefinition()
    {
        // y = x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂, x₁] over the two halves of each head.
        int d = 8, f = 4;
        var table = Table(d, 32);
        var x = Randn(146, 1, 2, 2 * d);
        int[] positions = [5, 31];
        var y = Tensor.Rope(x, positions, 2, table).ToArray();
        var xs = x.ToArray();
        for (int n = 0; n < 2; n++)
            for (int h = 0; h < 2; h++)
                for (int i = 0; i < d; i++)
                {
                    int o = n * 2 * d + h * d;
                    int k = i % f;
                    double theta = (float)positions[n] * (float)Math.Pow(10000.0, -2.0 * k / d);
                    double rotated = i < f ? -xs[o + i + f] : xs[o + i - f];
                    Assert.That(y[o + i], Is.EqualTo(xs[o + i] * Math.Cos(theta) + rotated * Math.Sin(theta)).Within(1e-5));
                }
    }

    [Test]
    public void Rope_PositionOutsideTable_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Rope(Randn(147, 1, 2, 4), [0, 9], 1, Table(4, 8)));
        Assert.That(ex!.Message, Does.Contain("9"));
        Assert.Throws<ArgumentException>(() => Tensor.Rope(Randn(148, 1, 2, 6), [0, 1], 1, Table(4, 8)));
    }

    [TestCase(new[] { 7 })]
    [TestCase(new[] { 2, 3, 5 })]
    public void SwiGlu_MatchesFiniteDifferences(int[] shape) =>
        GradCheck.Verify(x => Tensor.SwiGlu(x[0], x[1]), [Randn(149, shape), Randn(150, shape)]);

    [Test]
    public void SwiGlu_MatchesDefinitionAndRejectsShapes()
    {
        var g = Randn(151, 10); var u = Randn(152, 10);
        var y = Tensor.SwiGlu(g, u).ToArray();
        var gs = g.ToArray(); var us = u.ToArray();
        for (int i = 0; i < 10; i++) Assert.That(y[i], Is.EqualTo(gs[i] / (1 + Math.Exp(-gs[i])) * us[i]).Within(1e-5));
        Assert.Throws<ArgumentException>(() => Tensor.SwiGlu(Randn(153, 2, 3), Randn(154, 3, 2)));
    }

    [Test]
    public void RepeatHeads_MatchesFiniteDifferencesAndLayout()
    {
        GradCheck.Verify(x => Tensor.RepeatHeads(x[0], 2, 3), [Randn(155, 2, 3, 8)]);
        var x = Tensor.FromArray([1, 2, 3, 4], 1, 1, 4);            // two KV heads of D = 2
        Assert.That(Tensor.RepeatHeads(x, 2, 2).ToArray(), Is.EqualTo(new float[] { 1, 2, 1, 2, 3, 4, 3, 4 }));
    }

    [Test]
    public void GroupedQueryAttention_MatchesFiniteDifferences()
    {
        // 4 query heads share 2 KV heads of D = 6, with RoPE on q and k: the Llama attention core.
        var table = Table(6, 8);
        int[] positions = [0, 1, 2, 3, 0, 1, 2, 3];
        GradCheck.Verify(x =>
        {
            var q = Tensor.Rope(x[0], positions, 4, table);
            var k = Tensor.RepeatHeads(Tensor.Rope(x[1], positions, 2, table), 2, 2);
            var v = Tensor.RepeatHeads(x[2], 2, 2);
            return Tensor.CausalSelfAttention(q, k, v, 4);
        }, [Randn(156, 2, 4, 24), Randn(157, 2, 4, 12), Randn(158, 2, 4, 12)]);
    }
}
