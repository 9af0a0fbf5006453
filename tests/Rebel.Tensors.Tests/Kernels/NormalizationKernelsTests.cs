using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

/// <summary>
/// The public <see cref="LayerNormKernels"/> and <see cref="RmsNormKernels"/> as inference calls them: without saved
/// statistics, in place, per head; checked against a double-precision reference and for bad spans.
/// </summary>
[TestFixture]
public class NormalizationKernelsTests
{
    private const int Rows = 5, C = 37; // 37: vector body plus a scalar tail

    [Test]
    public void LayerNormForward_WithoutStatistics_GivesTheSameBitsAndMatchesDoubleReference()
    {
        var (x, w, b) = (Random(1, Rows * C), Random(2, C), Random(3, C));
        var withStats = new float[Rows * C];
        float[] mean = new float[Rows], rstd = new float[Rows];
        LayerNormKernels.Forward(x, w, b, withStats, mean, rstd, C, 1e-5f);
        var inPlace = (float[])x.Clone();
        LayerNormKernels.Forward(inPlace, w, b, inPlace, [], [], C, 1e-5f);   // as the GPT-2 decoder calls it
        Assert.That(inPlace, Is.EqualTo(withStats));
        for (int r = 0; r < Rows; r++)
        {
            double mu = 0, v = 0;
            for (int j = 0; j < C; j++) mu += x[r * C + j];
            mu /= C;
            for (int j = 0; j < C; j++) v += (x[r * C + j] - mu) * (x[r * C + j] - mu);
            double rs = 1 / Math.Sqrt(v / C + 1e-5);                              // biased variance, as PyTorch
            Assert.That(mean[r], Is.EqualTo(mu).Within(1e-5));
            Assert.That(rstd[r], Is.EqualTo(rs).Within(1e-4 * rs));
            for (int j = 0; j < C; j++)
                Assert.That(withStats[r * C + j], Is.EqualTo((x[r * C + j] - mu) * rs * w[j] + b[j]).Within(1e-4), $"row {r}, channel {j}");
        }
    }

    [Test]
    public void LayerNormForward_BadSpans_ThrowBeforeWriting()
    {
        var (w, b) = (Random(2, C), Random(3, C));
        var y = new float[Rows * C];
        var e = Assert.Throws<ArgumentException>(() => LayerNormKernels.Forward(new float[Rows * C - 1], w, b, y, [], [], C, 1e-5f));
        Assert.That(e!.Message, Does.Contain("not a whole number of rows of C = 37"));
        Assert.Throws<ArgumentException>(() => LayerNormKernels.Forward(new float[Rows * C], w.AsSpan(1), b, y, [], [], C, 1e-5f));
        Assert.Throws<ArgumentException>(() => LayerNormKernels.Forward(Random(1, Rows * C), w, b, y, new float[Rows - 1], [], C, 1e-5f));
        Assert.Throws<ArgumentException>(() => LayerNormKernels.Forward(Random(1, Rows * C), w, b, y.AsSpan(1), [], [], C, 1e-5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerNormKernels.Forward(new float[4], w, b, y, [], [], -1, 1e-5f));
        Assert.That(y, Is.All.EqualTo(0f), "nothing written");
        Assert.Throws<ArgumentException>(() => LayerNormKernels.Backward(new float[Rows * C], Random(1, Rows * C), w,
            new float[Rows], new float[Rows - 1], new float[Rows * C], new float[C], new float[C], C));
    }

    [Test]
    public void RmsNormForward_PerHead_MatchesDoubleReference()
    {
        const int heads = 3, d = 16;
        var x = Random(4, Rows * heads * d);
        var w = Random(5, d);
        var y = (float[])x.Clone();
        RmsNormKernels.Forward(y, w, y, [], d, 1e-6f);                            // Qwen3's q norm: C = D over [N·H, D]
        for (int r = 0; r < Rows * heads; r++)
        {
            double ss = 0;
            for (int j = 0; j < d; j++) ss += (double)x[r * d + j] * x[r * d + j];
            double rs = 1 / Math.Sqrt(ss / d + 1e-6);
            for (int j = 0; j < d; j++)
                Assert.That(y[r * d + j], Is.EqualTo(x[r * d + j] * rs * w[j]).Within(1e-4), $"row {r}, channel {j}");
        }
    }

    [Test]
    public void RmsNorm_BadSpans_ThrowBeforeWriting()
    {
        var w = Random(5, C);
        var y = new float[Rows * C];
        Assert.Throws<ArgumentException>(() => RmsNormKernels.Forward(Random(1, Rows * C), w.AsSpan(0, C - 1), y, [], C, 1e-6f));
        Assert.Throws<ArgumentException>(() => RmsNormKernels.Forward(Random(1, Rows * C), w, y, new float[1], C, 1e-6f));
        Assert.Throws<ArgumentException>(() => RmsNormKernels.Forward(Random(1, Rows * C + 3), w, y, [], C, 1e-6f));
        Assert.That(y, Is.All.EqualTo(0f), "nothing written");
        var e = Assert.Throws<ArgumentException>(() => RmsNormKernels.Backward(new float[C], Random(1, Rows * C), w, new float[Rows],
            new float[Rows * C], new float[C], C));
        Assert.That(e!.Message, Does.Contain("dy"));
    }

    private static float[] Random(ulong seed, int n)
    {
        var values = new float[n];
        new Rng(seed).FillNormal(values);
        return values;
    }
}
