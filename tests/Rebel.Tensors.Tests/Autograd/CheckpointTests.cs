using Rebel.Tensors;
using Rebel.Tensors.Memory;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests.Autograd;

public class CheckpointTests
{
    private const int Blocks = 6, Rows = 32, Width = 16, Hidden = 64;

    /// <summary>A residual MLP stack, x + tanh(dropout(x)·W1)·W2 per block, with its own parameters and dropout generator.</summary>
    private sealed class Stack
    {
        public readonly Tensor[] W1 = new Tensor[Blocks], W2 = new Tensor[Blocks];
        public readonly Rng Dropout = new(11);

        public Stack(bool trainable = true)
        {
            for (int b = 0; b < Blocks; b++)
            {
                W1[b] = Tensor.Normal(new Rng(100 + (ulong)b), 0.3f, Width, Hidden);
                W2[b] = Tensor.Normal(new Rng(200 + (ulong)b), 0.3f, Hidden, Width);
                W1[b].RequiresGrad = W2[b].RequiresGrad = trainable;
            }
        }

        public IEnumerable<Tensor> Parameters => W1.Concat(W2);

        public Tensor Block(int b, Tensor x, float dropout) =>
            x + Tensor.MatMul(Tensor.MatMul(x.Dropout(dropout, Dropout), W1[b]).Tanh(), W2[b]);   // (R, C)

        public Tensor Forward(Tensor x, bool checkpoint, float dropout)
        {
            for (int b = 0; b < Blocks; b++)
            {
                int block = b;
                x = checkpoint ? Tensor.Checkpoint(h => Block(block, h, dropout), x, [W1[b], W2[b]]) : Block(b, x, dropout);
            }
            return x;
        }
    }

    private static (float[][] Grads, float[] InputGrad, float Loss) Run(bool checkpoint, float dropout, bool scoped)
    {
        var stack = new Stack();
        var x = Randn(3, Rows, Width);
        x.RequiresGrad = true;
        using var scope = scoped ? new TensorScope() : null;
        var loss = (stack.Forward(x, checkpoint, dropout) * Randn(4, Rows, Width)).Sum();
        float value = loss.Item();
        loss.Backward();
        return (stack.Parameters.Select(p => p.Grad!.ToArray()).ToArray(), x.Grad!.ToArray(), value);
    }

    [TestCase(0f, false)]
    [TestCase(0.25f, false)]
    [TestCase(0.25f, true)]
    public void Checkpoint_GradientsAndLoss_EqualThoseWithoutCheckpointing(float dropout, bool scoped)
    {
        var plain = Run(checkpoint: false, dropout, scoped);
        var checkpointed = Run(checkpoint: true, dropout, scoped);
        Assert.That(checkpointed.Loss, Is.EqualTo(plain.Loss));
        Assert.That(checkpointed.InputGrad, Is.EqualTo(plain.InputGrad));
        for (int i = 0; i < plain.Grads.Length; i++)
            Assert.That(checkpointed.Grads[i], Is.EqualTo(plain.Grads[i]), $"parameter {i}");
    }

    [Test]
    public void Checkpoint_PeakPooledMemory_DropsBelowThePlainStack()
    {
        long Peak(bool checkpoint)
        {
            var stack = new Stack();
            var x = Randn(3, Rows, Width);
            using var scope = new TensorScope();
            BufferPool.ResetPeak();
            long start = BufferPool.RentedBytes;
            var loss = stack.Forward(x, checkpoint, dropout: 0.1f).Sum();
            loss.Backward();
            return BufferPool.PeakRentedBytes - start;
        }
        long plain = Peak(false), checkpointed = Peak(true);
        TestContext.Out.WriteLine($"peak pooled bytes: {plain} plain, {checkpointed} checkpointed");
        // Plain keeps every block's (R, H) activations (mask, product, tanh) until backward; checkpointing keeps one block's.
        Assert.That(checkpointed, Is.LessThan(plain / 2), $"peak {checkpointed} B with checkpointing vs {plain} B without");
    }

    [Test]
    public void Checkpoint_FrozenInputTrainableParameters_StillTrainsTheParameters()
    {
        var stack = new Stack();
        var x = Randn(3, Rows, Width);                                     // no gradient: e.g. frozen embeddings under LoRA
        stack.Forward(x, checkpoint: true, dropout: 0f).Sum().Backward();
        Assert.That(stack.Parameters.All(p => p.Grad is not null && p.Grad.ToArray().Any(v => v != 0f)), Is.True);
    }

    [Test]
    public void Checkpoint_NothingRequiresGrad_RecordsNothing()
    {
        var stack = new Stack(trainable: false);
        var y = stack.Forward(Randn(3, Rows, Width), checkpoint: true, dropout: 0f);
        Assert.That(y.RequiresGrad, Is.False);
    }

    [Test]
    public void Checkpoint_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.Checkpoint(h => (Tensor.MatMul(h, x[1]).Tanh() * h).Exp(), x[0], [x[1]]),
            [Randn(5, 3, 4), Randn(6, 4, 4)]);

    [Test]
    public void Dropout_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => x[0].Dropout(0.3f, new Rng(9)) * x[0], [Randn(7, 5, 6)]);

    [Test]
    public void Dropout_SameSeed_SameMask_ScaledSurvivors()
    {
        var x = Tensor.Ones(1000);
        var a = x.Dropout(0.4f, new Rng(1)).ToArray();
        Assert.That(x.Dropout(0.4f, new Rng(1)).ToArray(), Is.EqualTo(a));
        Assert.That(a.All(v => v == 0f || Math.Abs(v - 1f / 0.6f) < 1e-6f), Is.True);
        Assert.That(a.Count(v => v == 0f), Is.InRange(330, 470));
        Assert.That(x.Dropout(0f, new Rng(1)), Is.SameAs(x));
    }

    [TestCase(-0.1f)]
    [TestCase(1f)]
    [TestCase(float.NaN)]
    public void Dropout_ProbabilityOutOfRange_Throws(float p) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Ones(3).Dropout(p, new Rng(1)));
}
