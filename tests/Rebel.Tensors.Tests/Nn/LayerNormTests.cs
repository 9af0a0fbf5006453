using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests.Nn;

public class LayerNormTests
{
    [TestCase(new[] { 5 })]
    [TestCase(new[] { 3, 7 })]
    [TestCase(new[] { 2, 3, 6 })]
    public void LayerNorm_MatchesFiniteDifferences(int[] shape)
    {
        int c = shape[^1];
        GradCheck.Verify(x => Tensor.LayerNorm(x[0], x[1], x[2]),
            [Randn(31, shape), Randn(32, c), Randn(33, c)]);
    }

    [Test]
    public void LayerNorm_OnStridedView_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.LayerNorm(x[0].Transpose(0, 1), x[1], x[2]),
            [Randn(34, 6, 4), Randn(35, 6), Randn(36, 6)]);

    [Test]
    public void LayerNorm_MatchesDefinitionWithBiasedVariance()
    {
        var x = Randn(37, 4, 9);
        var w = Randn(38, 9);
        var b = Randn(39, 9);
        var y = Tensor.LayerNorm(x, w, b, eps: 1e-5f).ToArray();
        var xs = x.ToArray(); var ws = w.ToArray(); var bs = b.ToArray();
        for (int r = 0; r < 4; r++)
        {
            double mean = 0, var = 0;
            for (int j = 0; j < 9; j++) mean += xs[r * 9 + j];
            mean /= 9;
            for (int j = 0; j < 9; j++) var += (xs[r * 9 + j] - mean) * (xs[r * 9 + j] - mean);
            var /= 9; // biased, as PyTorch
            for (int j = 0; j < 9; j++)
                Assert.That(y[r * 9 + j], Is.EqualTo((xs[r * 9 + j] - mean) / Math.Sqrt(var + 1e-5) * ws[j] + bs[j]).Within(1e-5));
        }
    }

    [Test]
    public void LayerNorm_ManyRows_ParallelGradientsEqualSerialSum()
    {
        // 400 rows × 96 channels is split across threads; the weight/bias gradients must equal the full sums.
        var x = Randn(40, 400, 96);
        var w = Randn(41, 96); var b = Randn(42, 96);
        w.RequiresGrad = true; b.RequiresGrad = true;
        var g = Randn(43, 400, 96);
        (Tensor.LayerNorm(x, w, b) * g).Sum().Backward();
        var ga = g.ToArray();
        var expectedDb = new double[96];
        for (int r = 0; r < 400; r++) for (int j = 0; j < 96; j++) expectedDb[j] += ga[r * 96 + j];
        var db = b.Grad!.ToArray();
        for (int j = 0; j < 96; j++) Assert.That(db[j], Is.EqualTo(expectedDb[j]).Within(1e-3));
        Assert.That(w.Grad!.ToArray().All(float.IsFinite));
    }

    [Test]
    public void LayerNorm_WrongWeightShape_ThrowsNamingShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.LayerNorm(Randn(44, 2, 5), Randn(45, 4), Randn(46, 5)));
        Assert.That(ex!.Message, Does.Contain("[4]").And.Contain("[2, 5]"));
        Assert.Throws<ArgumentException>(() => Tensor.LayerNorm(Randn(47, 2, 5), Randn(48, 5), Randn(49, 1, 5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.LayerNorm(Randn(50, 2, 5), Randn(51, 5), Randn(52, 5), eps: 0f));
    }
}
