using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests.Nn;

public class EmbeddingTests
{
    [Test]
    public void Embedding_RepeatedIds_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.Embedding(x[0], [3, 0, 3, 4, 1, 3], 2, 3), [Randn(61, 5, 4)]);

    [Test]
    public void Embedding_ShapesAndRowsAreCopied()
    {
        var w = Tensor.FromArray([0f, 1f, 10f, 11f, 20f, 21f], 3, 2);
        var y = Tensor.Embedding(w, [2, 0, 2, 1], 2, 2);
        Assert.That(y.ShapeArray, Is.EqualTo(new[] { 2, 2, 2 }));
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 20f, 21f, 0f, 1f, 20f, 21f, 10f, 11f }));
        Assert.That(Tensor.Embedding(w, [1, 1]).ShapeArray, Is.EqualTo(new[] { 2, 2 }));
    }

    [Test]
    public void Embedding_Backward_ScatterAddsRows()
    {
        var w = Tensor.Zeros(3, 2);
        w.RequiresGrad = true;
        Tensor.Embedding(w, [2, 0, 2], 3).Sum().Backward();
        Assert.That(w.Grad!.ToArray(), Is.EqualTo(new[] { 1f, 1f, 0f, 0f, 2f, 2f }));
    }

    [TestCase(5)]
    [TestCase(-1)]
    public void Embedding_IdOutsideVocabulary_ThrowsNamingIdAndV(int bad)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Embedding(Randn(62, 5, 4), [0, bad, 1], 3));
        Assert.That(ex!.Message, Does.Contain($"id {bad}").And.Contain("5"));
    }

    [Test]
    public void Embedding_BadShapes_Throw()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Embedding(Randn(63, 5, 4), [0, 1, 2], 2, 2));
        Assert.Throws<ArgumentException>(() => Tensor.Embedding(Randn(64, 5), [0, 1], 2));
    }

    [Test]
    public void GatherLast_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => x[0].GatherLast([4, 0, 2, 4, 1, 3]), [Randn(65, 2, 3, 5)]);

    [Test]
    public void GatherLast_PicksTokenLogProbs()
    {
        var x = Tensor.FromArray([0f, 1f, 2f, 10f, 11f, 12f], 2, 3);
        var y = x.GatherLast([2, 0]);
        Assert.That(y.ShapeArray, Is.EqualTo(new[] { 2 }));
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 2f, 10f }));
        Assert.That(Tensor.FromArray([5f, 6f], 2).GatherLast([1]).Item(), Is.EqualTo(6f));
    }

    [Test]
    public void GatherLast_OnLogSoftmaxOfStridedView_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => x[0].Transpose(0, 1).LogSoftmax().GatherLast([1, 0, 3, 2, 2]), [Randn(66, 4, 5)]);

    [Test]
    public void GatherLast_BadIndices_Throw()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Randn(67, 2, 3).GatherLast([0, 3]));
        Assert.That(ex!.Message, Does.Contain("index 3").And.Contain("position 1"));
        Assert.Throws<ArgumentException>(() => Randn(68, 2, 3).GatherLast([0, 1, 2]));
    }
}
