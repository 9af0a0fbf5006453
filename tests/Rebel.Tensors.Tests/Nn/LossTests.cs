using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests.Nn;

public class LossTests
{
    [Test]
    public void CrossEntropy_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.CrossEntropy(x[0], [3, 0, 6, 2, 6]), [Randn(71, 5, 7)]);

    [Test]
    public void CrossEntropy_WithIgnoredTargets_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.CrossEntropy(x[0], [3, -100, 6, -100, 1]), [Randn(72, 5, 7)]);

    [Test]
    public void CrossEntropy_WideVocabulary_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.CrossEntropy(x[0] * 3f, [600, 7, -1], ignoreIndex: -1), [Randn(73, 3, 613)]);

    [Test]
    public void CrossEntropy_MatchesMeanOfNegativeLogSoftmax()
    {
        var x = Randn(74, 4, 9);
        int[] t = [1, 8, -100, 0];
        double expected = 0;
        var ls = x.LogSoftmax().ToArray();
        foreach (var (row, target) in new[] { (0, 1), (1, 8), (3, 0) }) expected -= ls[row * 9 + target];
        expected /= 3;
        Assert.That(Tensor.CrossEntropy(x, t).Item(), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void CrossEntropy_ManyRows_ParallelMatchesComposedOps()
    {
        var x = Randn(75, 200, 130);
        x.RequiresGrad = true;
        var rng = new Rng(76);
        var t = Enumerable.Range(0, 200).Select(i => i % 7 == 0 ? -100 : rng.NextInt(130)).ToArray();
        Tensor.CrossEntropy(x, t).Backward();
        var fused = x.Grad!.ToArray();
        x.ZeroGrad();
        var keep = t.Select(v => v == -100 ? 0f : 1f).ToArray();
        var safe = t.Select(v => v == -100 ? 0 : v).ToArray();
        var picked = x.LogSoftmax().GatherLast(safe) * Tensor.FromArray(keep, 200);
        (picked.Sum() * (-1f / keep.Sum())).Backward();
        var composed = x.Grad!.ToArray();
        for (int i = 0; i < fused.Length; i++) Assert.That(fused[i], Is.EqualTo(composed[i]).Within(1e-6));
    }

    [Test]
    public void CrossEntropy_AllIgnored_IsZeroWithZeroGradient()
    {
        var x = Randn(77, 3, 4);
        x.RequiresGrad = true;
        var loss = Tensor.CrossEntropy(x, [-100, -100, -100]);
        Assert.That(loss.Item(), Is.EqualTo(0f));
        (loss + (x * 0f).Sum()).Backward();
        Assert.That(x.Grad!.ToArray().All(v => v == 0f));
    }

    [Test]
    public void CrossEntropy_BadTargets_Throw()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.CrossEntropy(Randn(78, 3, 4), [0, 4, 1]));
        Assert.That(ex!.Message, Does.Contain("target 4").And.Contain("row 1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.CrossEntropy(Randn(79, 3, 4), [0, -1, 1]));
        var count = Assert.Throws<ArgumentException>(() => Tensor.CrossEntropy(Randn(80, 3, 4), [0, 1]));
        Assert.That(count!.Message, Does.Contain("[3, 4]"));
    }

    private static readonly (int[] A, int[] B)[] BroadcastCases =
    [
        ([3, 5], [3, 5]),
        ([2, 3, 5], [5]),
        ([3, 1], [1, 4]),
        ([4], []),
    ];

    [TestCaseSource(nameof(BroadcastCases))]
    public void SquaredError_Broadcast_MatchesFiniteDifferences((int[] A, int[] B) c) =>
        GradCheck.Verify(x => Tensor.SquaredError(x[0], x[1]), [Randn(81, c.A), Randn(82, c.B)]);

    [Test]
    public void SquaredError_IsMeanOfSquaredDifferences()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var b = Tensor.FromArray([0f, 4f], 2);          // broadcast over rows: diffs 1, −2, 3, 0
        Assert.That(Tensor.SquaredError(a, b).Item(), Is.EqualTo((1f + 4f + 9f + 0f) / 4f).Within(1e-6f));
    }

    [Test]
    public void SquaredError_IncompatibleShapes_ThrowsNamingBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.SquaredError(Randn(83, 2, 3), Randn(84, 4)));
        Assert.That(ex!.Message, Does.Contain("[2, 3]").And.Contain("[4]"));
    }
}
