namespace Rebel.Benchmarks;

/// <summary>One benchmarked product: C[m,n] = op(A)[m,k]·op(B)[k,n], <see cref="Batch"/> times (strided) when above 1.</summary>
internal sealed record GemmBenchShape(string Name, bool TransA, bool TransB, int M, int N, int K, int Batch = 1)
{
    /// <summary>Floating-point operations of one call: 2·m·n·k·batch.</summary>
    public double Flops => 2.0 * M * N * K * Batch;

    /// <summary>The operation in BLAS notation, e.g. <c>NT 2048×256×768</c>.</summary>
    public string Description =>
        $"{(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')} {M}×{N}×{K}{(Batch > 1 ? $" ×{Batch}" : "")}";

    /// <summary>Square n×n·n×n products.</summary>
    public static IEnumerable<GemmBenchShape> Square(IEnumerable<int> sizes) =>
        sizes.Select(n => new GemmBenchShape($"square {n}", false, false, n, n, n));

    /// <summary>
    /// The products of one training step of a GPT-2-style model: d = 256, 4 heads, MLP 4d, vocab 512 (tied head),
    /// 16 sequences × 128 tokens = 2048 rows. Per linear layer Y = X·W (X: [2048, in], W: [in, out]):
    /// forward NN, input gradient dX = dY·Wᵀ (NT) and weight gradient dW = Xᵀ·dY (TN, summed over 2048 rows).
    /// </summary>
    public static IEnumerable<GemmBenchShape> Model()
    {
        const int rows = 16 * 128, d = 256, vocab = 512, heads = 4, t = 128, hd = d / heads, batch = 16 * heads;
        (string Name, int In, int Out)[] linears = [("qkv", d, 3 * d), ("attn proj", d, d), ("mlp fc", d, 4 * d), ("mlp proj", 4 * d, d)];
        foreach (var (name, inp, outp) in linears)
        {
            yield return new($"{name} fwd", false, false, rows, outp, inp);
            yield return new($"{name} dX", false, true, rows, inp, outp);
            yield return new($"{name} dW", true, false, inp, outp, rows);
        }
        // Tied head: logits = X·Wteᵀ with Wte: [vocab, d].
        yield return new("lm head fwd", false, true, rows, vocab, d);
        yield return new("lm head dX", false, false, rows, d, vocab);
        yield return new("lm head dW", true, false, vocab, d, rows);
        // Attention per (sequence, head): scores = Q·Kᵀ, output = P·V.
        yield return new("attn Q·Kᵀ", false, true, t, t, hd, batch);
        yield return new("attn P·V", false, false, t, hd, t, batch);
    }
}
