namespace Rebel.Tensors.Kernels;

/// <summary>Argument checks shared by <see cref="Gemm"/>'s entry points, with messages naming the operand and its sizes.</summary>
internal static class GemmArguments
{
    /// <summary>Throws unless the dimensions, leading dimensions and span lengths describe valid operands.</summary>
    public static void Check(bool transA, bool transB, int m, int n, int k,
        int lengthA, int lda, int lengthB, int ldb, int lengthC, int ldc)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "GEMM dimension m must be non-negative.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "GEMM dimension n must be non-negative.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "GEMM dimension k must be non-negative.");
        CheckOperand("A", transA ? k : m, transA ? m : k, lda, nameof(lda), lengthA, transA);
        CheckOperand("B", transB ? n : k, transB ? k : n, ldb, nameof(ldb), lengthB, transB);
        CheckOperand("C", m, n, ldc, nameof(ldc), lengthC, transposed: false);
    }

    /// <summary>As <see cref="Check"/>, for <paramref name="batch"/> matrices per operand at the given strides.</summary>
    public static void CheckStrided(bool transA, bool transB, int m, int n, int k,
        int lengthA, int lda, int lengthB, int ldb, int lengthC, int ldc, int batch, long strideA, long strideB, long strideC)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "GEMM batch must be non-negative.");
        if (strideA < 0) throw new ArgumentOutOfRangeException(nameof(strideA), strideA, "GEMM strides must be non-negative.");
        if (strideB < 0) throw new ArgumentOutOfRangeException(nameof(strideB), strideB, "GEMM strides must be non-negative.");
        if (strideC < 0) throw new ArgumentOutOfRangeException(nameof(strideC), strideC, "GEMM strides must be non-negative.");
        long last = Math.Max(0, batch - 1);
        Check(transA, transB, m, n, k,
            Reach(lengthA, last * strideA), lda, Reach(lengthB, last * strideB), ldb, Reach(lengthC, last * strideC), ldc);
        long spanC = Span(m, n, ldc);
        if (batch > 1 && spanC > 0 && strideC < spanC)
            throw new ArgumentException(
                $"GEMM strideC = {strideC} makes the {batch} C matrices ({m}×{n}, ldc = {ldc}, {spanC} elements each) overlap.",
                nameof(strideC));
    }

    // The length left for the last batch item's operand (negative when the batch already runs past the span).
    private static int Reach(int length, long offset) => (int)Math.Clamp(length - offset, -1, int.MaxValue);

    // Elements a stored rows×cols matrix with leading dimension ld spans: (rows − 1)·ld + cols, or 0 when empty.
    private static long Span(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;

    private static void CheckOperand(string name, int rows, int cols, int ld, string ldName, int length, bool transposed)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentException($"GEMM {ldName} = {ld} is below the row width of {name} ({Stored(rows, cols, transposed)}).", ldName);
        long need = Span(rows, cols, ld);
        if (length < need)
            throw new ArgumentException(
                $"GEMM operand {name} ({Stored(rows, cols, transposed)}, {ldName} = {ld}) needs {need} elements, got {Math.Max(length, 0)}.",
                name.ToLowerInvariant());
    }

    private static string Stored(int rows, int cols, bool transposed) =>
        transposed ? $"stored transposed as {rows}×{cols}" : $"stored as {rows}×{cols}";
}
