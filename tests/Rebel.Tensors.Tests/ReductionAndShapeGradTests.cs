using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests;

public class ReductionAndShapeGradTests
{
    [Test]
    public void Sum_And_Mean_AllElements_MatchFiniteDifferences()
    {
        GradCheck.Verify(x => x[0].Sum(), [Randn(1, 3, 4)]);
        GradCheck.Verify(x => x[0].Mean(), [Randn(2, 5)]);
    }

    [TestCase(0, false)]
    [TestCase(1, true)]
    [TestCase(-1, false)]
    public void Sum_OverAxis_MatchesFiniteDifferences(int axis, bool keepDim) =>
        GradCheck.Verify(x => x[0].Sum(axis, keepDim), [Randn(3, 3, 4, 5)]);

    [Test]
    public void Mean_OverAxis_ForwardAndGradient()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.That(x.Mean(1).ToArray(), Is.EqualTo(new[] { 2f, 5f }));
        Assert.That(x.Sum(0, keepDim: true).ShapeArray, Is.EqualTo(new[] { 1, 3 }));
        GradCheck.Verify(t => t[0].Mean(0), [Randn(4, 4, 3)]);
    }

    [Test]
    public void Reshape_Transpose_Permute_MatchFiniteDifferences()
    {
        GradCheck.Verify(x => x[0].Reshape(6, -1) * x[1], [Randn(5, 2, 3, 4), Randn(6, 4)]);
        GradCheck.Verify(x => x[0].Transpose(0, 2) * x[1], [Randn(7, 2, 3, 4), Randn(8, 4, 3, 2)]);
        GradCheck.Verify(x => x[0].Permute(1, 2, 0).Contiguous().Reshape(-1), [Randn(9, 2, 3, 4)]);
        GradCheck.Verify(x => x[0].Transpose(0, 1).Reshape(-1), [Randn(10, 3, 5)]); // reshape of a strided view copies
    }

    [Test]
    public void Slice_And_Split_MatchFiniteDifferences()
    {
        GradCheck.Verify(x => x[0].Slice(1, 1, 2) * 2f, [Randn(11, 3, 4, 2)]);
        GradCheck.Verify(x =>
        {
            var parts = x[0].Split(-1, 2, 3, 1);
            return parts[0].Sum(-1, keepDim: true) * parts[1] + parts[2];
        }, [Randn(12, 4, 6)]);
    }

    [Test]
    public void Concat_And_Stack_MatchFiniteDifferences()
    {
        GradCheck.Verify(x => Tensor.Concat([x[0], x[1], x[0]], 1), [Randn(13, 2, 3), Randn(14, 2, 5)]);
        GradCheck.Verify(x => Tensor.Stack([x[0], x[1]], 0) * x[2], [Randn(15, 3, 2), Randn(16, 3, 2), Randn(17, 2, 3, 1)]);
    }

    [Test]
    public void Views_ShareStorage_WithoutCopy()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var t = x.Transpose(0, 1);
        Assert.That(t.IsContiguous, Is.False);
        Assert.That(t.ToArray(), Is.EqualTo(new[] { 1f, 4f, 2f, 5f, 3f, 6f }));
        x[0, 1] = 20f;
        Assert.That(t[1, 0], Is.EqualTo(20f));
        Assert.That(x.Slice(1, 1, 2).ToArray(), Is.EqualTo(new[] { 20f, 3f, 5f, 6f }));
    }

    [Test]
    public void Reshape_WrongSize_ThrowsWithShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Reshape(4, 2))!;
        Assert.That(e.Message, Does.Contain("[2, 3]").And.Contain("[4, 2]"));
        Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 3)], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Slice(1, 2, 2));
    }
}
