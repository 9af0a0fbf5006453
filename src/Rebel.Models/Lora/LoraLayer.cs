using Rebel.Tensors;
using Rebel.Tensors.Kernels;

namespace Rebel.Models.Lora;

/// <summary>
/// One low-rank adapter on a linear map W: Δy = s · B·A·dropout(x), with A: r × in (PEFT's <c>lora_A.weight</c>),
/// B: out × r (<c>lora_B.weight</c>) and scaling s. Merged into the base it is W′ = W + s·B·A.
/// </summary>
/// <remarks>
/// Dimension legend: N rows of x (any leading axes), I in, O out, R rank. A fresh adapter has A ~ U(−1/√I, 1/√I)
/// (PyTorch's default Linear init, as PEFT uses) and B = 0, so it starts as the identity change (Δy = 0) while
/// ∂L/∂B ≠ 0. Dropout is drawn only in training forward passes (<see cref="Tensor.IsTrainingPass"/>: recorded, or a
/// checkpointed block's first pass); under <see cref="Tensor.NoGrad"/> (scoring, sampling) the adapter is deterministic.
/// </remarks>
public sealed class LoraLayer
{
    private readonly Rng _dropoutRng;

    /// <summary>A fresh adapter for an <paramref name="inputs"/> → <paramref name="outputs"/> map.</summary>
    /// <param name="inputs">in, the width of x.</param>
    /// <param name="outputs">out, the width of y.</param>
    /// <param name="rank">r.</param>
    /// <param name="scaling">s.</param>
    /// <param name="dropout">p of the input dropout, in [0, 1).</param>
    /// <param name="init">Draws A.</param>
    /// <param name="dropoutRng">Draws the dropout masks (kept by the layer).</param>
    public LoraLayer(int inputs, int outputs, int rank, double scaling, double dropout, Rng init, Rng dropoutRng)
        : this(Tensor.Uniform(init ?? throw new ArgumentNullException(nameof(init)), -1f / MathF.Sqrt(inputs), 1f / MathF.Sqrt(inputs), rank, inputs),
               Tensor.Zeros(outputs, rank), scaling, dropout, dropoutRng)
    {
    }

    /// <summary>An adapter over given A [R, I] and B [O, R] (loaded weights); both become trainable leaves.</summary>
    public LoraLayer(Tensor a, Tensor b, double scaling, double dropout, Rng dropoutRng)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank != 2 || b.Rank != 2 || b.Dim(1) != a.Dim(0))
            throw new ArgumentException($"LoRA needs A [r, in] and B [out, r] with the same r, got A [{string.Join(", ", a.ShapeArray)}] and B [{string.Join(", ", b.ShapeArray)}].");
        if (!double.IsFinite(scaling)) throw new ArgumentOutOfRangeException(nameof(scaling), $"LoRA scaling must be finite, got {scaling}.");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"LoRA dropout must be in [0, 1), got {dropout}.");
        A = a;
        B = b;
        A.RequiresGrad = B.RequiresGrad = true;
        Scaling = scaling;
        DropoutProbability = dropout;
        _dropoutRng = dropoutRng ?? throw new ArgumentNullException(nameof(dropoutRng));
    }

    /// <summary>A, [R, I].</summary>
    public Tensor A { get; }

    /// <summary>B, [O, R].</summary>
    public Tensor B { get; }

    /// <summary>r.</summary>
    public int Rank => A.Dim(0);

    /// <summary>in.</summary>
    public int InputSize => A.Dim(1);

    /// <summary>out.</summary>
    public int OutputSize => B.Dim(0);

    /// <summary>s (α/r or α/√r).</summary>
    public double Scaling { get; }

    /// <summary>p of the input dropout.</summary>
    public double DropoutProbability { get; }

    /// <summary>x [..., I] → Δy = s · (dropout(x)·Aᵀ)·Bᵀ [..., O], differentiable in A and B (and x).</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Dim(-1) != InputSize)
            throw new ArgumentException($"LoRA adapter with in = {InputSize} applied to an input of width {x.Dim(-1)}.", nameof(x));
        var dropped = Tensor.IsTrainingPass ? x.Dropout((float)DropoutProbability, _dropoutRng) : x;
        var h = Tensor.MatMul(dropped, A.Transpose(0, 1)) * (float)Scaling;                  // (N, R) = s·x·Aᵀ (scaled at width R, not O)
        return Tensor.MatMul(h, B.Transpose(0, 1));                                          // (N, O) = s·x·Aᵀ·Bᵀ
    }

    /// <summary>s·B·A, [O, I] (the change to an [out, in] weight), as a new array.</summary>
    public float[] DeltaWeight()
    {
        int o = OutputSize, i = InputSize, r = Rank;
        var delta = new float[o * i];
        Gemm.Sgemm(false, false, o, i, r, (float)Scaling, B.AsSpan(), r, A.AsSpan(), i, 0f, delta, i);  // s·B·A
        return delta;
    }

    /// <summary>
    /// y += s·(x·Aᵀ)·Bᵀ for <paramref name="rows"/> rows of x [N, I] (row-major) and of y, whose rows start
    /// <paramref name="ldy"/> floats apart (the cached inference path: no dropout, no recording).
    /// </summary>
    internal void AddTo(ReadOnlySpan<float> x, int rows, Span<float> y, int ldy)
    {
        int i = InputSize, o = OutputSize, r = Rank;
        var h = new float[rows * r];
        Gemm.Sgemm(false, true, rows, r, i, 1f, x[..(rows * i)], i, A.AsSpan(), i, 0f, h, r);                         // h = x·Aᵀ     (N, R)
        Gemm.Sgemm(false, true, rows, o, r, (float)Scaling, h, r, B.AsSpan(), r, 1f, y[..((rows - 1) * ldy + o)], ldy); // y += s·h·Bᵀ (N, O)
    }
}
