using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests;

public class MatMulGradTests
{
    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void MatMul_TransposedViews_MatchFiniteDifferences(bool transA, bool transB)
    {
        var a = transA ? Randn(1, 5, 3) : Randn(1, 3, 5);
        var b = transB ? Randn(2, 4, 5) : Randn(2, 5, 4);
        GradCheck.Verify(x => Tensor.MatMul(transA ? x[0].Transpose(0, 1) : x[0], transB ? x[1].Transpose(0, 1) : x[1]), [a, b]);
    }

    [Test]
    public void MatMul_BatchedWithSharedMatrix_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.MatMul(x[0], x[1]), [Randn(3, 2, 3, 4), Randn(4, 4, 5)]);

    [Test]
    public void MatMul_BatchedBroadcast_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.MatMul(x[0], x[1].Transpose(-1, -2)), [Randn(5, 2, 1, 3, 4), Randn(6, 3, 5, 4)]);

    [Test]
    public void MatMul_StridedBatchView_MatchesFiniteDifferences() =>
        // [B, T, H, D] → [B, H, T, D]: batch axes that cannot be folded, as in attention
        GradCheck.Verify(x => Tensor.MatMul(x[0].Permute(0, 2, 1, 3), x[1].Permute(0, 2, 3, 1)), [Randn(7, 2, 3, 2, 4), Randn(8, 2, 5, 2, 4)]);

    [Test]
    public void MatMul_Forward_MatchesHandComputed()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var b = Tensor.FromArray([7f, 8f, 9f, 10f, 11f, 12f], 3, 2);
        Assert.That(Tensor.MatMul(a, b).ToArray(), Is.EqualTo(new[] { 58f, 64f, 139f, 154f }));
        Assert.That(Tensor.MatMul(b.Transpose(0, 1), a.Transpose(0, 1)).ToArray(), Is.EqualTo(new[] { 58f, 139f, 64f, 154f }));
    }

    [Test]
    public void MatMul_InnerMismatch_ThrowsWithBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(4, 5)))!;
        Assert.That(e.Message, Does.Contain("[2, 3]").And.Contain("[4, 5]"));
    }
}
